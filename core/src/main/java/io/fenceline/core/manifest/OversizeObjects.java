package io.fenceline.core.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.Namespace;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.Node;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.TierRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Objects larger than an event may carry. Kafka refuses a record above the topic's {@code
 * max.message.bytes} (1 MiB by default), so the slim object of one event is bounded by {@link
 * #MAX_OBJECT_BYTES}, which leaves room for the event's envelope and for the engine's store key. A
 * larger object is published as its <em>stub</em>: identity plus what fail-closed enforcement
 * needs. {@code compile} applies the same bound to the same slim form, so both enforce the same.
 *
 * <p>What a stub becomes (see {@link #decodeStub}): a Pod is quarantined (isolated both ways,
 * allows nothing, in no peer set); a NetworkPolicy keeps its podSelector and directions and fails
 * closed (isolates its targets, allows nothing); a Namespace keeps only its automatic name label; a
 * Node keeps only its name; a ClusterNetworkPolicy keeps its tier, priority and subject and denies
 * everything in the directions it has rules in. Each is reported.
 */
public final class OversizeObjects {
  /** The largest slim object, in bytes of its JSON encoding, that an event carries whole. */
  public static final int MAX_OBJECT_BYTES = 1_000_000;

  /**
   * A policy's podSelector larger than this is not kept in its stub; the stub selects every pod of
   * the namespace.
   */
  static final int MAX_STUB_SELECTOR_BYTES = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private OversizeObjects() {}

  /** The size of {@code object} as an event carries it: bytes of its JSON encoding. */
  public static long size(JsonNode object) {
    try {
      return JSON.writeValueAsBytes(object).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode an object", e);
    }
  }

  /** Whether an object of {@code bytes} must be published as its stub. */
  public static boolean tooLarge(long bytes) {
    return bytes > MAX_OBJECT_BYTES;
  }

  /**
   * The stub of {@code object} (slim or as written in a manifest), of kind {@code kind}:
   * apiVersion, kind, metadata name/namespace/uid/resourceVersion, and per kind the fields
   * fail-closed enforcement needs (a pod's node, addresses, phase and hostNetwork; a policy's
   * podSelector and policyTypes, made explicit).
   */
  public static ObjectNode stub(Kind kind, JsonNode object) {
    ObjectNode root = JSON.createObjectNode();
    copyText(object, "apiVersion", root);
    root.put("kind", kind.apiName());
    ObjectNode meta = root.putObject("metadata");
    JsonNode m = object.path("metadata");
    for (String f : List.of("name", "namespace", "uid", "resourceVersion")) {
      copyText(m, f, meta);
    }
    switch (kind) {
      case POD -> {
        JsonNode spec = object.path("spec");
        ObjectNode s = root.putObject("spec");
        copyText(spec, "nodeName", s);
        if (spec.path("hostNetwork").isBoolean()) {
          s.put("hostNetwork", spec.get("hostNetwork").asBoolean());
        }
        JsonNode status = object.path("status");
        ObjectNode st = root.putObject("status");
        copyText(status, "phase", st);
        copyText(status, "podIP", st);
        JsonNode ips = status.path("podIPs");
        if (ips.isArray()) {
          ArrayNode out = st.putArray("podIPs");
          for (int i = 0; i < ips.size() && i < 4; i++) {
            if (ips.get(i).path("ip").isTextual() && ips.get(i).get("ip").asText().length() <= 64) {
              out.addObject().put("ip", ips.get(i).get("ip").asText());
            }
          }
        }
      }
      case NETWORK_POLICY -> {
        JsonNode spec = object.path("spec");
        ObjectNode s = root.putObject("spec");
        JsonNode selector = spec.get("podSelector");
        if (selector != null && !selector.isNull() && size(selector) <= MAX_STUB_SELECTOR_BYTES) {
          s.set("podSelector", selector.deepCopy());
        } else {
          s.putObject("podSelector");
        }
        s.set("policyTypes", directions(spec));
      }
      case CLUSTER_NETWORK_POLICY -> {
        JsonNode spec = object.path("spec");
        ObjectNode s = root.putObject("spec");
        s.set("tier", spec.path("tier").deepCopy());
        s.set("priority", spec.path("priority").deepCopy());
        JsonNode subject = spec.get("subject");
        if (subject != null && !subject.isNull() && size(subject) <= MAX_STUB_SELECTOR_BYTES) {
          s.set("subject", subject.deepCopy());
        } else {
          s.putObject("subject").putObject("namespaces");
        }
        for (String direction : List.of("ingress", "egress")) {
          JsonNode rules = spec.get(direction);
          if (rules != null && !rules.isNull() && (!rules.isArray() || !rules.isEmpty())) {
            s.putArray(direction); // the directions it governs; decodeStub denies them
          }
        }
      }
      case NAMESPACE, NODE -> {}
    }
    return root;
  }

  /**
   * The policy's directions as an explicit list: as written when readable, else as defaulted, else
   * both.
   */
  private static ArrayNode directions(JsonNode spec) {
    ArrayNode out = JSON.createArrayNode();
    JsonNode pt = spec.get("policyTypes");
    if (pt != null && pt.isArray() && !pt.isEmpty()) {
      if (pt.size() <= 2) {
        for (JsonNode t : pt) {
          if (t.isTextual() && (t.asText().equals("Ingress") || t.asText().equals("Egress"))) {
            out.add(t.asText());
          } else {
            return out.removeAll().add("Ingress").add("Egress");
          }
        }
        return out;
      }
      return out.add("Ingress").add("Egress");
    }
    out.add("Ingress");
    JsonNode egress = spec.get("egress");
    if (egress != null && (!egress.isArray() || !egress.isEmpty()) && !egress.isNull()) {
      out.add("Egress");
    }
    return out;
  }

  /**
   * Decodes {@code raw} (of {@code kind}, published as a slim object of {@code publishedBytes}) as
   * the pipeline enforces it: from its stub when it is too large for one event, else as written.
   */
  public static ObjectDecoder.Result decodeAsPublished(
      RawObject raw, Kind kind, JsonNode published, long publishedBytes) {
    if (kind == null || !tooLarge(publishedBytes)) {
      return ObjectDecoder.decode(raw);
    }
    return decodeStub(new RawObject(stub(kind, published), raw.location()), publishedBytes);
  }

  /**
   * Decodes a stub into what fenceline enforces for an object of {@code bytes} that was too large
   * to publish, with one problem that says so. The object is null only when even the stub does not
   * decode (no usable name), as for any object.
   */
  public static ObjectDecoder.Result decodeStub(RawObject stub, long bytes) {
    ObjectDecoder.Result r = ObjectDecoder.decode(stub);
    if (r.object() == null) {
      return r;
    }
    List<Problem> problems = new ArrayList<>(r.problems());
    ClusterObject o = r.object();
    String what = bytes + " bytes, more than an event carries (" + MAX_OBJECT_BYTES + "): ";
    ClusterObject enforced;
    String consequence;
    if (o instanceof Pod p) {
      enforced = p.quarantine();
      consequence =
          "labels unknown, so isolated both ways and in no peer set until a smaller version arrives"
              + " (fail closed)";
    } else if (o instanceof NetworkPolicy np) {
      enforced =
          new NetworkPolicy(
              np.key(), np.podSelector(), np.policyTypes(), List.of(), List.of(), true);
      consequence =
          "rules unknown, so it isolates its targets and allows nothing until a smaller version"
              + " arrives (fail closed)";
    } else if (o instanceof ClusterNetworkPolicy cnp) {
      JsonNode spec = stub.node().path("spec");
      List<TierRule> in =
          spec.has("ingress") ? List.of(ClusterPolicyDecoder.denyAll()) : List.<TierRule>of();
      List<TierRule> out =
          spec.has("egress") ? List.of(ClusterPolicyDecoder.denyAll()) : List.<TierRule>of();
      enforced =
          new ClusterNetworkPolicy(
              cnp.name(),
              cnp.tier(),
              cnp.priority(),
              cnp.subjectNamespaces(),
              cnp.subjectPods(),
              in,
              out,
              true);
      consequence =
          "rules unknown, so it denies everything for its subjects in the directions it has rules"
              + " in, in its tier and at its priority, until a smaller version arrives (fail"
              + " closed)";
    } else if (o instanceof Namespace n) {
      enforced = Namespace.of(n.name(), Map.of());
      consequence = "labels unknown; namespace selectors see only kubernetes.io/metadata.name";
    } else {
      enforced = Node.of(((Node) o).name(), Map.of(), List.of());
      consequence =
          "labels and addresses unknown: no ClusterNetworkPolicy nodes peer matches it until a"
              + " smaller version arrives";
    }
    String name = o.key().namespace().isEmpty() ? o.key().name() : o.key().toString();
    problems.add(
        new Problem(
            stub.location(), o.kind().apiName(), name, "(whole object)", what + consequence));
    return new ObjectDecoder.Result(enforced, problems, null);
  }

  private static void copyText(JsonNode from, String field, ObjectNode to) {
    JsonNode v = from.get(field);
    if (v != null && v.isTextual() && v.asText().length() <= 1024) {
      to.put(field, v.asText());
    }
  }
}
