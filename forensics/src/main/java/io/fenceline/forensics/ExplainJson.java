package io.fenceline.forensics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.explain.FlowExplainer;
import io.fenceline.core.explain.TierMatch;
import io.fenceline.core.history.FlowReport;
import io.fenceline.core.model.ObjectKey;

/** The JSON form of {@code fenceline explain} (schema in {@code docs/forensics.md}). */
public final class ExplainJson {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ExplainJson() {}

  public static ObjectNode of(FlowReport r) {
    FlowExplainer.Explanation x = r.explanation();
    ObjectNode n = JSON.createObjectNode();
    n.put("verdict", x.allowed() ? "allowed" : "denied");
    n.put("at", r.at().toString());
    if (r.unknown() != null) {
      n.put("unknown", r.unknown());
    }
    n.put("port", x.port());
    n.put("protocol", x.protocol().name());
    n.set("src", endpoint(x.src()));
    n.set("dst", endpoint(x.dst()));
    n.set("egress", side(x.egress()));
    n.set("ingress", side(x.ingress()));
    ArrayNode objects = n.putArray("objects");
    for (FlowReport.UsedObject o : r.objects()) {
      objects
          .addObject()
          .put("kind", o.kind().apiName())
          .put("name", o.name())
          .put("resourceVersion", o.resourceVersion());
    }
    return n;
  }

  public static String text(FlowReport r) {
    try {
      return JSON.writeValueAsString(of(r));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode endpoint(FlowExplainer.Endpoint e) {
    ObjectNode n = JSON.createObjectNode().put("ip", e.ip().toString());
    n.put("pod", e.pod() == null ? null : e.pod().toString());
    return n;
  }

  private static ObjectNode side(FlowExplainer.Side s) {
    ObjectNode n =
        JSON.createObjectNode().put("isolated", s.isolated()).put("quarantined", s.quarantined());
    ArrayNode isolating = n.putArray("isolatingPolicies");
    for (ObjectKey p : s.isolatingPolicies()) {
      isolating.add(p.toString());
    }
    if (s.match() == null) {
      n.putNull("match");
    } else {
      n.putObject("match")
          .put("policy", s.match().policy().toString())
          .put("ruleIndex", s.match().ruleIndex())
          .put("peerIndex", s.match().peerIndex());
    }
    n.set("admin", tier(s.admin()));
    n.set("baseline", tier(s.baseline()));
    n.put("allowed", s.allows());
    return n;
  }

  /** The first matching rule of a tier, or null. */
  private static com.fasterxml.jackson.databind.JsonNode tier(TierMatch t) {
    if (t == null) {
      return JSON.nullNode();
    }
    return JSON.createObjectNode()
        .put("tier", t.tier().apiName())
        .put("policy", t.policy())
        .put("priority", t.priority())
        .put("ruleIndex", t.ruleIndex())
        .put("ruleName", t.ruleName())
        .put("action", t.action().apiName());
  }
}
