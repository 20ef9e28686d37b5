package io.fenceline.testcontainers;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code fenceline explain -o json} as Java: the verdict, each side's decision and what made it
 * (the schema is in the project's docs/forensics.md). {@link #text()} holds explain's own words
 * (its table output) when they were asked for.
 */
public record Explanation(
    boolean allowed,
    String unknown,
    String at,
    int port,
    String protocol,
    Endpoint src,
    Endpoint dst,
    Side egress,
    Side ingress,
    List<UsedObject> objects,
    String json,
    String text) {

  /** One end of the flow: its IP and the pod holding it ({@code null}: external). */
  public record Endpoint(String ip, String pod) {}

  /** The NetworkPolicy rule and peer (0-based; peer -1: the rule has no peers) that allowed it. */
  public record Match(String policy, int ruleIndex, int peerIndex) {}

  /** The first matching rule of a ClusterNetworkPolicy tier (Admin or Baseline). */
  public record TierMatch(
      String tier, String policy, int priority, int ruleIndex, String ruleName, String action) {}

  /** One side's decision: egress at the source pod, ingress at the destination pod. */
  public record Side(
      boolean isolated,
      boolean quarantined,
      List<String> isolatingPolicies,
      Match match,
      TierMatch admin,
      TierMatch baseline,
      boolean allowed) {}

  /** An object the answer rests on, with the resourceVersion it had then. */
  public record UsedObject(String kind, String name, String resourceVersion) {}

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Reads explain's JSON; {@code text} is explain's table output for the same flow, or null. */
  public static Explanation parse(String json, String text) {
    JsonNode n = JSON.readTree(json);
    List<UsedObject> objects = new ArrayList<>();
    for (JsonNode o : n.path("objects").values()) {
      objects.add(new UsedObject(str(o, "kind"), str(o, "name"), str(o, "resourceVersion")));
    }
    return new Explanation(
        "allowed".equals(str(n, "verdict")),
        str(n, "unknown"),
        str(n, "at"),
        n.path("port").asInt(),
        str(n, "protocol"),
        endpoint(n.path("src")),
        endpoint(n.path("dst")),
        side(n.path("egress")),
        side(n.path("ingress")),
        List.copyOf(objects),
        json,
        text);
  }

  /** The same answer, with explain's table output attached. */
  public Explanation withText(String explainText) {
    return new Explanation(
        allowed,
        unknown,
        at,
        port,
        protocol,
        src,
        dst,
        egress,
        ingress,
        objects,
        json,
        explainText);
  }

  private static Endpoint endpoint(JsonNode e) {
    return new Endpoint(str(e, "ip"), str(e, "pod"));
  }

  private static Side side(JsonNode s) {
    List<String> isolating = new ArrayList<>();
    s.path("isolatingPolicies").values().forEach(p -> isolating.add(p.asString()));
    JsonNode m = s.path("match");
    Match match =
        m.isObject()
            ? new Match(str(m, "policy"), m.path("ruleIndex").asInt(), m.path("peerIndex").asInt())
            : null;
    return new Side(
        s.path("isolated").asBoolean(),
        s.path("quarantined").asBoolean(),
        List.copyOf(isolating),
        match,
        tier(s.path("admin")),
        tier(s.path("baseline")),
        s.path("allowed").asBoolean());
  }

  private static TierMatch tier(JsonNode t) {
    if (!t.isObject()) {
      return null;
    }
    return new TierMatch(
        str(t, "tier"),
        str(t, "policy"),
        t.path("priority").asInt(),
        t.path("ruleIndex").asInt(),
        str(t, "ruleName"),
        str(t, "action"));
  }

  private static String str(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asString();
  }
}
