package io.fenceline.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fenceline.core.model.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The one definition of the slim form: what fenceline keeps of a Kubernetes object, in the API's
 * own JSON shape, as the engine's {@code ObjectDecoder} reads it (docs/events.md). Kept: {@code
 * apiVersion} (as written, else the kind's), {@code kind}, metadata name, namespace ({@code
 * default} when absent), labels (sorted), uid, resourceVersion; for pods {@code spec.nodeName},
 * {@code spec.hostNetwork} (unless false), the containers' names and ports (name, containerPort,
 * protocol), {@code status.phase}, {@code status.podIP}, {@code status.podIPs[].ip}; a
 * NetworkPolicy's or ClusterNetworkPolicy's whole {@code spec} as written (not its {@code status});
 * a node's {@code status.addresses} (type, address). A ClusterNetworkPolicy (cluster-scoped, no
 * namespace) keeps its {@code apiVersion} only as written: the decoder reads v1alpha2 alone, so a
 * missing version is not made up. Values are copied as written, valid or not (the engine judges);
 * only what an event cannot do without — a name, a namespace that is a string — is required.
 *
 * <p>Every path goes through {@link #of(Kind, JsonNode)}: a manifest's JSON ({@link
 * ManifestObjects}), an API object (fabric8's own serialization of it, {@link #of(HasMetadata)}),
 * and the trimmed copies the informers keep ({@link #trimmed}), so a manifest and the same object
 * from the API server publish the same bytes.
 */
public final class SlimObjects {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();

  /** The API group of ClusterNetworkPolicies. */
  static final String CLUSTER_NETWORK_POLICY_GROUP = "policy.networking.k8s.io";

  private SlimObjects() {}

  /** An object that cannot be published: the message says what is missing, not where. */
  static final class NotPublishable extends IllegalArgumentException {
    NotPublishable(String message) {
      super(message);
    }
  }

  /**
   * The slim form of {@code o}, from the JSON fabric8 writes for it (the API's JSON shape);
   * IllegalArgumentException for kinds fenceline does not read and objects without a name.
   */
  public static SlimObject of(HasMetadata o) {
    return of(kindOf(o), o);
  }

  /** The slim form of {@code o}, an API object of {@code kind} (its own kind field not read). */
  static SlimObject of(Kind kind, HasMetadata o) {
    return of(kind, readTree(FABRIC8.asJson(o)));
  }

  /**
   * A copy of {@code o} holding only its slim form (read back by fabric8 into {@code o}'s class),
   * so that {@code of(trimmed(o))} equals {@code of(o)}: what the informers keep in memory. A full
   * pod or node (managed fields, env, images, conditions) is many times larger than its slim form,
   * and an informer keeps every object of the cluster.
   */
  static <T extends HasMetadata> T trimmed(T o) {
    return trimmed(kindOf(o), o);
  }

  /** {@link #trimmed(HasMetadata)} for an object of {@code kind}. */
  @SuppressWarnings("unchecked")
  static <T extends HasMetadata> T trimmed(Kind kind, T o) {
    try {
      return (T) FABRIC8.unmarshal(JSON.writeValueAsString(of(kind, o).object()), o.getClass());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("slim JSON that does not write: " + e.getMessage(), e);
    }
  }

  private static Kind kindOf(HasMetadata o) {
    if (o instanceof Pod) {
      return Kind.POD;
    }
    if (o instanceof Namespace) {
      return Kind.NAMESPACE;
    }
    if (o instanceof NetworkPolicy) {
      return Kind.NETWORK_POLICY;
    }
    if (o instanceof Node) {
      return Kind.NODE;
    }
    // Kinds a CRD serves come as generic resources: known by their kind and API group.
    if (o instanceof GenericKubernetesResource g
        && Kind.fromApiName(g.getKind()) == Kind.CLUSTER_NETWORK_POLICY
        && g.getApiVersion() != null
        && g.getApiVersion().startsWith(CLUSTER_NETWORK_POLICY_GROUP + "/")) {
      return Kind.CLUSTER_NETWORK_POLICY;
    }
    throw new IllegalArgumentException(
        "fenceline does not ingest " + (o == null ? "null" : o.getKind()));
  }

  /**
   * The slim form of {@code n}, an object of {@code kind} in the API's JSON shape (its {@code kind}
   * field is not read); {@link NotPublishable} without a name or with a namespace that is not a
   * string.
   */
  static SlimObject of(Kind kind, JsonNode n) {
    JsonNode meta = n.path("metadata");
    JsonNode nameNode = meta.get("name");
    if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isEmpty()) {
      throw new NotPublishable(kind.apiName() + " without metadata.name");
    }
    String name = nameNode.asText();
    boolean namespaced = kind.namespaced();
    String namespace = "";
    if (namespaced) {
      JsonNode ns = meta.get("namespace");
      if (ns != null && !ns.isNull() && !ns.isTextual()) {
        throw new NotPublishable(
            kind.apiName() + " " + name + ": metadata.namespace must be a string");
      }
      namespace = ns == null || ns.isNull() || ns.asText().isEmpty() ? "default" : ns.asText();
    }
    ObjectNode root = JSON.createObjectNode();
    if (kind == Kind.CLUSTER_NETWORK_POLICY) {
      // Its spec differs between versions and the decoder reads one: as written or not at all.
      if (n.hasNonNull("apiVersion")) {
        root.set("apiVersion", n.get("apiVersion").deepCopy());
      }
    } else {
      root.put(
          "apiVersion",
          n.hasNonNull("apiVersion") && n.get("apiVersion").isTextual()
              ? n.get("apiVersion").asText()
              : kind == Kind.NETWORK_POLICY ? "networking.k8s.io/v1" : "v1");
    }
    root.put("kind", kind.apiName());
    ObjectNode m = root.putObject("metadata");
    m.put("name", name);
    if (namespaced) {
      m.put("namespace", namespace);
    }
    JsonNode labels = meta.get("labels");
    if (labels != null && !labels.isNull() && !(labels.isObject() && labels.isEmpty())) {
      m.set("labels", labels.isObject() ? sorted((ObjectNode) labels) : labels.deepCopy());
    }
    String uid = text(meta, "uid");
    String rv = text(meta, "resourceVersion");
    if (uid != null) {
      m.put("uid", uid);
    }
    if (rv != null) {
      m.put("resourceVersion", rv);
    }
    switch (kind) {
      case POD -> pod(n, root);
      case NETWORK_POLICY, CLUSTER_NETWORK_POLICY -> {
        if (n.has("spec") && !n.get("spec").isNull()) {
          root.set("spec", n.get("spec").deepCopy());
        }
      }
      case NODE -> {
        JsonNode addresses = n.path("status").get("addresses");
        if (addresses != null && !addresses.isNull()) {
          ObjectNode st = JSON.createObjectNode();
          list(addresses, st, "addresses", (a, an) -> copy(a, an, "type", "address"));
          if (!st.isEmpty()) {
            root.set("status", st);
          }
        }
      }
      case NAMESPACE -> {}
    }
    return new SlimObject(kind, namespace, name, uid, rv, root);
  }

  private static void pod(JsonNode n, ObjectNode root) {
    JsonNode spec = n.path("spec");
    ObjectNode s = JSON.createObjectNode();
    copy(spec, s, "nodeName");
    JsonNode hostNetwork = spec.get("hostNetwork");
    if (hostNetwork != null
        && !hostNetwork.isNull()
        && !(hostNetwork.isBoolean() && !hostNetwork.asBoolean())) {
      s.set("hostNetwork", hostNetwork.deepCopy());
    }
    list(
        spec.get("containers"),
        s,
        "containers",
        (c, cn) -> {
          copy(c, cn, "name");
          list(
              c.get("ports"),
              cn,
              "ports",
              (p, pn) -> copy(p, pn, "name", "containerPort", "protocol"));
        });
    if (!s.isEmpty()) {
      root.set("spec", s);
    }
    JsonNode status = n.path("status");
    ObjectNode st = JSON.createObjectNode();
    copy(status, st, "phase", "podIP");
    list(status.get("podIPs"), st, "podIPs", (ip, in) -> copy(ip, in, "ip"));
    if (!st.isEmpty()) {
      root.set("status", st);
    }
  }

  /**
   * {@code to.field}: for a non-empty list, each object element reduced by {@code element} (other
   * elements as written); a value that is not a list, as written (the engine reports it); nothing
   * for null, absent or an empty list.
   */
  private static void list(
      JsonNode v, ObjectNode to, String field, BiConsumer<JsonNode, ObjectNode> element) {
    if (v == null || v.isNull() || (v.isArray() && v.isEmpty())) {
      return;
    }
    if (!v.isArray()) {
      to.set(field, v.deepCopy());
      return;
    }
    ArrayNode out = to.putArray(field);
    for (JsonNode e : v) {
      if (e.isObject()) {
        element.accept(e, out.addObject());
      } else {
        out.add(e.deepCopy());
      }
    }
  }

  /** The fields of {@code from} that are present and not null, in the order named. */
  private static void copy(JsonNode from, ObjectNode to, String... fields) {
    for (String field : fields) {
      JsonNode v = from.get(field);
      if (v != null && !v.isNull()) {
        to.set(field, v.deepCopy());
      }
    }
  }

  private static String text(JsonNode obj, String field) {
    JsonNode v = obj.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  private static ObjectNode sorted(ObjectNode o) {
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    names.sort(null);
    ObjectNode out = JSON.createObjectNode();
    for (String k : names) {
      out.set(k, o.get(k).deepCopy());
    }
    return out;
  }

  static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "fabric8 wrote JSON that does not parse: " + e.getOriginalMessage(), e);
    }
  }
}
