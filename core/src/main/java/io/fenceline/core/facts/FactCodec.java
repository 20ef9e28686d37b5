package io.fenceline.core.facts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.model.TierAction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The wire form of node facts (documented in {@code docs/node-facts.md}): key text {@code
 * <cluster>/<fact key>}, value JSON with a schema version {@code v}; a removal is a tombstone (null
 * value). Readers accept versions up to {@link #CURRENT_VERSION}, so appliers can be upgraded
 * before the engine.
 */
public final class FactCodec {
  public static final int CURRENT_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private FactCodec() {}

  /** A decoded record: the cluster, the key and the fact (null for a tombstone). */
  public record Decoded(String cluster, FactKey key, Fact value) {}

  public static String keyText(String cluster, FactKey key) {
    return cluster + "/" + key.text();
  }

  public static byte[] encode(Fact fact) {
    ObjectNode n = JSON.createObjectNode().put("v", CURRENT_VERSION);
    if (fact instanceof SetMemberFact m) {
      n.put("type", "member").put("set", m.setId()).put("entry", m.entry().ipsetText());
    } else if (fact instanceof PolicyChainFact c) {
      n.put("type", "chain")
          .put("id", c.id())
          .put("policy", policyText(c.policy()))
          .put("direction", c.direction().lowerName());
      ArrayNode clauses = n.putArray("clauses");
      for (Clause cl : c.clauses()) {
        ObjectNode o = clauses.addObject();
        if (cl.peerSet() != null) {
          o.set("peerSet", setRef(cl.peerSet()));
        }
        if (cl.namedPortSet() != null) {
          o.set("namedPortSet", setRef(cl.namedPortSet()));
        }
        if (cl.protocol() != null) {
          o.put("protocol", cl.protocol().name());
        }
        if (cl.fromPort() != null) {
          o.put("fromPort", cl.fromPort()).put("toPort", cl.toPort());
        }
        o.put("comment", cl.comment());
        if (cl.verdict() != null) {
          o.put("verdict", cl.verdict().apiName());
        }
      }
    } else if (fact instanceof PodBindingFact b) {
      n.put("type", "binding").put("node", b.node()).put("pod", b.pod().toString());
      ArrayNode ips = n.putArray("ips");
      b.ips().forEach(ip -> ips.add(ip.toString()));
      n.put("ingressIsolated", b.ingressIsolated()).put("egressIsolated", b.egressIsolated());
      ArrayNode in = n.putArray("ingressChains");
      b.ingressChains().forEach(in::add);
      ArrayNode eg = n.putArray("egressChains");
      b.egressChains().forEach(eg::add);
      tiers(n, "ingress", b.ingressTiers());
      tiers(n, "egress", b.egressTiers());
    }
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode setRef(SetRef r) {
    return JSON.createObjectNode()
        .put("id", r.id())
        .put("kind", r.kind().name())
        .put("family", r.family())
        .put("definition", r.definition());
  }

  /** Decodes a record; {@code value} null is a tombstone. */
  public static Decoded decode(String keyText, byte[] value) throws FactFormatException {
    int slash = keyText.indexOf('/');
    if (slash <= 0) {
      throw new FactFormatException("fact key without cluster: " + keyText);
    }
    String cluster = keyText.substring(0, slash);
    FactKey key = parseKey(keyText.substring(slash + 1));
    if (value == null) {
      return new Decoded(cluster, key, null);
    }
    JsonNode n;
    try {
      n = JSON.readTree(value);
    } catch (IOException e) {
      throw new FactFormatException(keyText + ": value is not JSON");
    }
    int v = n.path("v").asInt(-1);
    if (v < 1 || v > CURRENT_VERSION) {
      throw new FactFormatException(keyText + ": unsupported fact version " + n.path("v"));
    }
    Fact fact;
    try {
      fact =
          switch (n.path("type").asText()) {
            case "member" ->
                new SetMemberFact(n.get("set").asText(), parseEntry(n.get("entry").asText()));
            case "chain" -> chain(n);
            case "binding" -> binding(n);
            default ->
                throw new FactFormatException(keyText + ": unknown fact type " + n.path("type"));
          };
    } catch (RuntimeException e) {
      throw new FactFormatException(keyText + ": malformed fact: " + e.getMessage());
    }
    if (!fact.key().equals(key)) {
      throw new FactFormatException(
          keyText + ": key does not match the value's key " + fact.key().text());
    }
    return new Decoded(cluster, key, fact);
  }

  private static PolicyChainFact chain(JsonNode n) {
    List<Clause> clauses = new ArrayList<>();
    for (JsonNode o : n.get("clauses")) {
      clauses.add(
          new Clause(
              o.has("peerSet") ? setRef(o.get("peerSet")) : null,
              o.has("namedPortSet") ? setRef(o.get("namedPortSet")) : null,
              o.has("protocol") ? Protocol.valueOf(o.get("protocol").asText()) : null,
              o.has("fromPort") ? o.get("fromPort").asInt() : null,
              o.has("toPort") ? o.get("toPort").asInt() : null,
              o.path("comment").asText(""),
              o.has("verdict") ? verdict(o.get("verdict").asText()) : null));
    }
    return new PolicyChainFact(
        n.get("id").asText(),
        policyKey(n.get("policy").asText()),
        Direction.valueOf(n.get("direction").asText().toUpperCase(Locale.ROOT)),
        clauses);
  }

  private static SetRef setRef(JsonNode o) {
    return new SetRef(
        o.get("id").asText(),
        SetKind.valueOf(o.get("kind").asText()),
        o.get("family").asInt(),
        o.path("definition").asText(""));
  }

  private static PodBindingFact binding(JsonNode n) {
    List<IpAddress> ips = new ArrayList<>();
    n.get("ips").forEach(ip -> ips.add(IpAddress.parse(ip.asText())));
    List<String> in = new ArrayList<>();
    n.get("ingressChains").forEach(x -> in.add(x.asText()));
    List<String> eg = new ArrayList<>();
    n.get("egressChains").forEach(x -> eg.add(x.asText()));
    return new PodBindingFact(
        n.get("node").asText(),
        ObjectKey.parse(n.get("pod").asText()),
        ips,
        n.get("ingressIsolated").asBoolean(),
        n.get("egressIsolated").asBoolean(),
        in,
        eg,
        tiers(n, "ingress"),
        tiers(n, "egress"));
  }

  static FactKey parseKey(String text) throws FactFormatException {
    String[] parts = text.split("/", 3);
    try {
      switch (parts[0]) {
        case "member":
          return new FactKey.Member(parts[1], parseEntry(parts[2]));
        case "chain":
          return new FactKey.Chain(parts[1]);
        case "binding":
          {
            String rest = parts[2];
            return new FactKey.Binding(parts[1], ObjectKey.parse(rest));
          }
        default:
          throw new FactFormatException("unknown fact key " + text);
      }
    } catch (RuntimeException e) {
      throw new FactFormatException("malformed fact key " + text + ": " + e.getMessage());
    }
  }

  /** Parses a set entry from its ipset text. */
  public static SetEntry parseEntry(String text) {
    boolean nomatch = text.endsWith(" nomatch");
    String t = nomatch ? text.substring(0, text.length() - " nomatch".length()) : text;
    int comma = t.indexOf(',');
    if (comma > 0) {
      String addr = t.substring(0, comma);
      String[] pp = t.substring(comma + 1).split(":");
      return SetEntry.ipPort(
          IpAddress.parse(addr),
          Protocol.valueOf(pp[0].toUpperCase(Locale.ROOT)),
          Integer.parseInt(pp[1]));
    }
    if (t.indexOf('/') > 0) {
      return SetEntry.block(IpPrefix.parse(t), nomatch);
    }
    return SetEntry.ip(IpAddress.parse(t));
  }

  /** A NetworkPolicy as {@code namespace/name}, a ClusterNetworkPolicy as its name. */
  private static String policyText(ObjectKey policy) {
    return policy.namespace().isEmpty() ? policy.name() : policy.toString();
  }

  private static ObjectKey policyKey(String text) {
    return text.indexOf('/') < 0 ? new ObjectKey("", text) : ObjectKey.parse(text);
  }

  private static TierAction verdict(String text) {
    TierAction a = TierAction.fromApiName(text);
    if (a == null) {
      throw new IllegalArgumentException(
          "verdict must be Accept, Deny or Pass, got '" + text + "'");
    }
    return a;
  }

  /** Writes {@code <direction>Admin} and {@code <direction>Baseline} when there are any. */
  private static void tiers(ObjectNode n, String direction, TierChains t) {
    if (!t.admin().isEmpty()) {
      ArrayNode a = n.putArray(direction + "Admin");
      t.admin().forEach(a::add);
    }
    if (!t.baseline().isEmpty()) {
      ArrayNode b = n.putArray(direction + "Baseline");
      t.baseline().forEach(b::add);
    }
  }

  private static TierChains tiers(JsonNode n, String direction) {
    List<String> admin = new ArrayList<>();
    n.path(direction + "Admin").forEach(x -> admin.add(x.asText()));
    List<String> baseline = new ArrayList<>();
    n.path(direction + "Baseline").forEach(x -> baseline.add(x.asText()));
    return admin.isEmpty() && baseline.isEmpty()
        ? TierChains.NONE
        : new TierChains(admin, baseline);
  }
}
