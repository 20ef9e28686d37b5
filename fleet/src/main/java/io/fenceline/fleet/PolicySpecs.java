package io.fenceline.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The {@code spec} of a simulated policy, derived from its shape, the apps it names, its
 * namespace's team and its revision (an edit flips what an odd revision changes: a port added, an
 * except added, a value list widened).
 */
final class PolicySpecs {
  private PolicySpecs() {}

  static ObjectNode spec(SimPolicy p, SimNamespace ns) {
    boolean edited = p.revision % 2 == 1;
    ObjectNode spec = ObjectJson.JSON.createObjectNode();
    switch (p.shape) {
      case DEFAULT_DENY -> {
        spec.putObject("podSelector");
        spec.putArray("policyTypes").add("Ingress");
      }
      case FRONTEND_TO_BACKEND -> {
        select(spec, Map.of("tier", "backend"));
        ObjectNode rule = spec.putArray("ingress").addObject();
        rule.putArray("from")
            .addObject()
            .set("podSelector", matchLabels(Map.of("tier", "frontend")));
        ArrayNode ports = rule.putArray("ports");
        ports.addObject().put("port", "http");
        if (edited) {
          ports.addObject().put("port", "metrics");
        }
      }
      case FROM_INGRESS_CONTROLLER -> {
        select(spec, Map.of("tier", "frontend"));
        ObjectNode rule = spec.putArray("ingress").addObject();
        ObjectNode peer = rule.putArray("from").addObject();
        peer.set(
            "namespaceSelector",
            matchLabels(Map.of("kubernetes.io/metadata.name", "ingress-nginx")));
        peer.set("podSelector", matchLabels(Map.of("app", "ingress-nginx")));
        ArrayNode ports = rule.putArray("ports");
        ports.addObject().put("port", "http").put("protocol", "TCP");
        if (edited) {
          ports.addObject().put("port", 443);
        }
      }
      case FROM_MONITORING -> {
        spec.putObject("podSelector");
        ObjectNode rule = spec.putArray("ingress").addObject();
        rule.putArray("from")
            .addObject()
            .set(
                "namespaceSelector",
                matchLabels(Map.of("kubernetes.io/metadata.name", "monitoring")));
        ArrayNode ports = rule.putArray("ports");
        ports.addObject().put("port", "metrics");
        if (edited) {
          ports.addObject().put("port", 9100);
        }
      }
      case TEAM_WIDE -> {
        select(spec, Map.of("tier", "backend"));
        ObjectNode rule = spec.putArray("ingress").addObject();
        rule.putArray("from")
            .addObject()
            .set("namespaceSelector", matchLabels(Map.of("team", ns.team)));
        if (edited) {
          rule.putArray("ports").addObject().put("port", "http");
        }
      }
      case EGRESS_LOCKDOWN -> {
        select(spec, Map.of("tier", "frontend"));
        spec.putArray("policyTypes").add("Egress");
        ArrayNode egress = spec.putArray("egress");
        ObjectNode internet = egress.addObject();
        ObjectNode block = internet.putArray("to").addObject().putObject("ipBlock");
        block.put("cidr", "0.0.0.0/0");
        ArrayNode except = block.putArray("except");
        List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16").forEach(except::add);
        if (edited) {
          except.add("100.64.0.0/10");
        }
        internet.putArray("ports").addObject().put("port", 443);
        dns(egress);
        ObjectNode backends = egress.addObject();
        backends
            .putArray("to")
            .addObject()
            .set("podSelector", matchLabels(Map.of("tier", "backend")));
        backends.putArray("ports").addObject().put("port", "http");
      }
      case MATCH_EXPRESSIONS -> {
        ObjectNode sel = spec.putObject("podSelector");
        expression(
            sel.putArray("matchExpressions"), "app", "In", List.of("api", "orders", "worker"));
        ObjectNode rule = spec.putArray("ingress").addObject();
        ObjectNode peer = rule.putArray("from").addObject();
        expression(
            peer.putObject("namespaceSelector").putArray("matchExpressions"),
            "env",
            "NotIn",
            edited ? List.of("dev", "staging") : List.of("dev"));
        expression(
            peer.putObject("podSelector").putArray("matchExpressions"),
            "tier",
            "Exists",
            List.of());
        rule.putArray("ports")
            .addObject()
            .put("port", 8000)
            .put("endPort", 8999)
            .put("protocol", "TCP");
      }
      case EGRESS_TO_DATA -> {
        select(spec, Map.of("tier", "backend"));
        spec.putArray("policyTypes").add("Egress");
        ArrayNode egress = spec.putArray("egress");
        ObjectNode data = egress.addObject();
        data.putArray("to").addObject().set("podSelector", matchLabels(Map.of("tier", "data")));
        ArrayNode ports = data.putArray("ports");
        ports.addObject().put("port", "postgres");
        ports.addObject().put("port", "redis");
        if (!edited) {
          ports.addObject().put("port", "amqp");
        }
        dns(egress);
      }
      case APP_TO_APP -> {
        select(spec, Map.of("app", p.targetApp));
        ObjectNode rule = spec.putArray("ingress").addObject();
        rule.putArray("from")
            .addObject()
            .set("podSelector", matchLabels(Map.of("app", p.sourceApp)));
        rule.putArray("ports").addObject().put("port", "http");
      }
      default -> throw new IllegalStateException("no spec for " + p.shape);
    }
    return spec;
  }

  private static void select(ObjectNode spec, Map<String, String> labels) {
    spec.set("podSelector", matchLabels(labels));
  }

  private static ObjectNode matchLabels(Map<String, String> labels) {
    ObjectNode sel = ObjectJson.JSON.createObjectNode();
    sel.set("matchLabels", ObjectJson.labels(new java.util.TreeMap<>(labels)));
    return sel;
  }

  private static void expression(ArrayNode list, String key, String operator, List<String> values) {
    ObjectNode e = list.addObject().put("key", key).put("operator", operator);
    if (!values.isEmpty()) {
      ArrayNode v = e.putArray("values");
      values.forEach(v::add);
    }
  }

  private static void dns(ArrayNode egress) {
    ObjectNode rule = egress.addObject();
    ObjectNode peer = rule.putArray("to").addObject();
    peer.set(
        "namespaceSelector", matchLabels(Map.of("kubernetes.io/metadata.name", "kube-system")));
    peer.set("podSelector", matchLabels(Map.of("k8s-app", "kube-dns")));
    ArrayNode ports = rule.putArray("ports");
    ports.addObject().put("port", 53).put("protocol", "UDP");
    ports.addObject().put("port", 53).put("protocol", "TCP");
  }
}
