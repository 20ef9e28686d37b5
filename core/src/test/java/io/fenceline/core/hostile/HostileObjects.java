package io.fenceline.core.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random Kubernetes objects (in the API's JSON shape) built to break a decoder: a valid backbone of
 * namespaces, nodes, pods and policies, among them objects with hostile names, labels, IPs, CIDRs
 * and ports, wrong JSON types at random places, unknown kinds, 10,000 labels, and the valid
 * extremes ({@code 0.0.0.0/0}, {@code ::/0}, port 65535). Deterministic for a seed.
 */
public final class HostileObjects {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final List<String> NAMESPACES = List.of("prod", "dev");
  private static final List<String> NODES = List.of("node-1", "node-2");

  private final Random r;

  public HostileObjects(long seed) {
    this.r = new Random(seed);
  }

  /** A cluster: a valid backbone plus {@code hostile} hostile objects, shuffled. */
  public List<ObjectNode> cluster(int hostile) {
    List<ObjectNode> out = new ArrayList<>(backbone());
    for (int i = 0; i < hostile; i++) {
      out.add(hostileObject());
    }
    java.util.Collections.shuffle(out, r);
    return out;
  }

  /**
   * Valid objects that isolate pods on both nodes, so that payloads carry rules, sets and comments.
   */
  public List<ObjectNode> backbone() {
    List<ObjectNode> out = new ArrayList<>();
    for (String ns : NAMESPACES) {
      out.add(namespace(ns, Map.of("team", ns)));
    }
    for (String n : NODES) {
      ObjectNode node = object("v1", "Node", n, null);
      node.putObject("status")
          .putArray("addresses")
          .addObject()
          .put("type", "InternalIP")
          .put("address", "192.168.0." + (NODES.indexOf(n) + 1));
      out.add(node);
    }
    out.add(pod("prod", "web-0", Map.of("app", "web"), "node-1", "10.244.1.11", "fd00::11"));
    out.add(pod("prod", "db-0", Map.of("app", "db"), "node-2", "10.244.2.21", null));
    out.add(pod("dev", "tool", Map.of("app", "tool"), "node-1", "10.244.1.12", null));
    out.add(
        policy(
            "prod",
            "db-from-web",
            selector("app", "db"),
            List.of(ingressRule(peerPods("app", "web"), port("TCP", 5432, null)))));
    out.add(
        policy(
            "prod",
            "web-anywhere",
            selector("app", "web"),
            List.of(
                ingressRule(ipBlock("0.0.0.0/0", "10.0.0.0/8"), port("TCP", 80, 65535)),
                ingressRule(ipBlock("::/0", null), null))));
    return out;
  }

  /** One object chosen from the hostile families. */
  public ObjectNode hostileObject() {
    return switch (r.nextInt(12)) {
      case 0 ->
          wrongTypes(
              pod(
                  ns(),
                  HostileStrings.any(r),
                  labels(),
                  nodeName(),
                  ip(),
                  r.nextBoolean() ? ip() : null));
      case 1 -> wrongTypes(randomPolicy());
      case 2 -> randomPolicy();
      case 3 -> namespace(HostileStrings.any(r), labels());
      case 4 -> pod(ns(), name(), labels(), nodeName(), ip(), r.nextBoolean() ? ip() : null);
      case 5 -> manyLabels();
      case 6 -> unknownKind();
      case 7 -> {
        ObjectNode node =
            object(
                "v1",
                "Node",
                r.nextBoolean() ? HostileStrings.any(r) : NODES.get(r.nextInt(2)),
                null);
        node.putObject("status")
            .putArray("addresses")
            .addObject()
            .put("type", "InternalIP")
            .put("address", ip());
        yield node;
      }
      case 8 -> namedPortPod();
      case 9 -> wrongTypes(namespace(name(), labels()));
      default -> randomPolicy();
    };
  }

  // ---- families ---------------------------------------------------------------------------------

  private ObjectNode randomPolicy() {
    ObjectNode sel =
        r.nextInt(4) == 0 ? F.objectNode() : selector(HostileStrings.any(r), HostileStrings.any(r));
    List<ObjectNode> rules = new ArrayList<>();
    int n = r.nextInt(3);
    for (int i = 0; i < n; i++) {
      ObjectNode peer =
          switch (r.nextInt(4)) {
            case 0 ->
                ipBlock(
                    pick(HostileStrings.CIDRS),
                    r.nextBoolean() ? pick(HostileStrings.CIDRS) : null);
            case 1 -> peerPods(HostileStrings.any(r), HostileStrings.any(r));
            case 2 -> expressionPeer();
            default -> peerPods("app", "web");
          };
      Object p = HostileStrings.port(r);
      Object end = r.nextInt(3) == 0 ? HostileStrings.port(r) : null;
      rules.add(
          ingressRule(peer, port(pick(List.of("TCP", "UDP", "SCTP", "ICMP", "tcp", "")), p, end)));
    }
    ObjectNode pol = policy(ns(), name(), sel, rules);
    if (r.nextInt(3) == 0) {
      ArrayNode egress = ((ObjectNode) pol.get("spec")).putArray("egress");
      egress.addObject().set("to", F.arrayNode().add(ipBlock(pick(HostileStrings.CIDRS), null)));
      ((ObjectNode) pol.get("spec"))
          .set(
              "policyTypes",
              F.arrayNode()
                  .add(pick(List.of("Ingress", "Egress", "Both", "egress")))
                  .add("Egress"));
    }
    return pol;
  }

  private ObjectNode expressionPeer() {
    ObjectNode expr =
        F.objectNode()
            .put("key", HostileStrings.any(r))
            .put("operator", pick(List.of("In", "NotIn", "Exists", "DoesNotExist", "Near")));
    ArrayNode values = expr.putArray("values");
    for (int i = r.nextInt(3); i > 0; i--) {
      values.add(HostileStrings.any(r));
    }
    ObjectNode ps = F.objectNode();
    ps.putArray("matchExpressions").add(expr);
    ObjectNode peer = F.objectNode();
    peer.set(r.nextBoolean() ? "podSelector" : "namespaceSelector", ps);
    return peer;
  }

  /** A pod with 10,000 labels (valid or not), on a real node, selected by nothing in particular. */
  private ObjectNode manyLabels() {
    ObjectNode pod = pod(ns(), name(), Map.of(), NODES.get(r.nextInt(2)), ip(), null);
    ObjectNode labels = ((ObjectNode) pod.get("metadata")).putObject("labels");
    boolean valid = r.nextBoolean();
    for (int i = 0; i < 10_000; i++) {
      labels.put(
          valid || i % 2 == 0 ? "k" + i : HostileStrings.notHuge(r) + i,
          valid ? "v" + i : HostileStrings.notHuge(r));
    }
    return pod;
  }

  private ObjectNode unknownKind() {
    ObjectNode o =
        object(
            pick(List.of("v1", "apps/v1", "")),
            pick(List.of("Service", "Deployment", "networkpolicy", "", "Pod ")),
            name(),
            ns());
    if (r.nextBoolean()) {
      o.put("kind", r.nextInt(1000)); // kind of the wrong type
    }
    return o;
  }

  private ObjectNode namedPortPod() {
    ObjectNode pod = pod(ns(), name(), Map.of("app", "web"), NODES.get(r.nextInt(2)), ip(), null);
    ObjectNode port =
        ((ObjectNode) pod.get("spec"))
            .putArray("containers")
            .addObject()
            .put("name", "c")
            .putArray("ports")
            .addObject();
    port.put("name", HostileStrings.any(r));
    putAny(port, "containerPort", HostileStrings.port(r));
    if (r.nextBoolean()) {
      port.put("protocol", pick(List.of("TCP", "UDP", "SCTP", "ICMP")));
    }
    return pod;
  }

  /** Replaces the value at one random path of {@code o} with a value of another JSON type. */
  private ObjectNode wrongTypes(ObjectNode o) {
    List<ObjectNode> containers = new ArrayList<>();
    collect(o, containers);
    ObjectNode target = containers.get(r.nextInt(containers.size()));
    List<String> fields = new ArrayList<>();
    target.fieldNames().forEachRemaining(fields::add);
    if (fields.isEmpty()) {
      return o;
    }
    target.set(
        pick(fields),
        switch (r.nextInt(6)) {
          case 0 -> F.textNode(HostileStrings.any(r));
          case 1 -> F.numberNode(r.nextInt());
          case 2 -> F.booleanNode(true);
          case 3 -> F.arrayNode().add(1).add("x");
          case 4 -> F.objectNode().put("unexpected", "field");
          default -> F.nullNode();
        });
    return o;
  }

  private static void collect(JsonNode n, List<ObjectNode> out) {
    if (n.isObject()) {
      out.add((ObjectNode) n);
    }
    for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
      collect(it.next(), out);
    }
  }

  // ---- builders ---------------------------------------------------------------------------------

  public static ObjectNode object(String apiVersion, String kind, String name, String namespace) {
    ObjectNode o = F.objectNode().put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode meta = o.putObject("metadata").put("name", name);
    if (namespace != null) {
      meta.put("namespace", namespace);
    }
    return o;
  }

  public static ObjectNode namespace(String name, Map<String, String> labels) {
    ObjectNode o = object("v1", "Namespace", name, null);
    putLabels(o, labels);
    return o;
  }

  public static ObjectNode pod(
      String ns, String name, Map<String, String> labels, String nodeName, String ip, String ip2) {
    ObjectNode o = object("v1", "Pod", name, ns);
    putLabels(o, labels);
    if (nodeName != null) {
      o.putObject("spec").put("nodeName", nodeName);
    } else {
      o.putObject("spec");
    }
    ObjectNode status = o.putObject("status").put("phase", "Running");
    if (ip != null) {
      status.put("podIP", ip);
      ArrayNode ips = status.putArray("podIPs");
      ips.addObject().put("ip", ip);
      if (ip2 != null) {
        ips.addObject().put("ip", ip2);
      }
    }
    return o;
  }

  public static ObjectNode policy(
      String ns, String name, ObjectNode podSelector, List<ObjectNode> ingress) {
    ObjectNode o = object("networking.k8s.io/v1", "NetworkPolicy", name, ns);
    ObjectNode spec = o.putObject("spec");
    spec.set("podSelector", podSelector);
    ArrayNode in = spec.putArray("ingress");
    ingress.forEach(in::add);
    return o;
  }

  public static ObjectNode selector(String key, String value) {
    ObjectNode s = F.objectNode();
    s.putObject("matchLabels").put(key, value);
    return s;
  }

  public static ObjectNode peerPods(String key, String value) {
    ObjectNode p = F.objectNode();
    p.set("podSelector", selector(key, value));
    return p;
  }

  public static ObjectNode ipBlock(String cidr, String except) {
    ObjectNode p = F.objectNode();
    ObjectNode b = p.putObject("ipBlock").put("cidr", cidr);
    if (except != null) {
      b.putArray("except").add(except);
    }
    return p;
  }

  public static ObjectNode port(String protocol, Object port, Object endPort) {
    ObjectNode p = F.objectNode().put("protocol", protocol);
    putAny(p, "port", port);
    if (endPort != null) {
      putAny(p, "endPort", endPort);
    }
    return p;
  }

  public static ObjectNode ingressRule(ObjectNode peer, ObjectNode port) {
    ObjectNode rule = F.objectNode();
    rule.putArray("from").add(peer);
    if (port != null) {
      rule.putArray("ports").add(port);
    }
    return rule;
  }

  private static void putLabels(ObjectNode o, Map<String, String> labels) {
    ObjectNode l = ((ObjectNode) o.get("metadata")).putObject("labels");
    labels.forEach(l::put);
  }

  private static void putAny(ObjectNode o, String field, Object v) {
    if (v instanceof Integer i) {
      o.put(field, i);
    } else if (v instanceof Long l) {
      o.put(field, l);
    } else if (v instanceof Double d) {
      o.put(field, d);
    } else if (v instanceof Boolean b) {
      o.put(field, b);
    } else {
      o.put(field, String.valueOf(v));
    }
  }

  // ---- small pickers ----------------------------------------------------------------------------

  private Map<String, String> labels() {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      m.put(
          r.nextBoolean() ? "app" : HostileStrings.any(r),
          r.nextBoolean() ? "web" : HostileStrings.any(r));
    }
    return m;
  }

  private String ns() {
    return r.nextInt(4) == 0 ? HostileStrings.any(r) : pick(NAMESPACES);
  }

  private String name() {
    return r.nextInt(3) == 0 ? HostileStrings.any(r) : "obj-" + r.nextInt(1000);
  }

  private String nodeName() {
    return switch (r.nextInt(4)) {
      case 0 -> HostileStrings.any(r);
      case 1 -> null;
      default -> pick(NODES);
    };
  }

  private String ip() {
    return pick(HostileStrings.IPS);
  }

  private <T> T pick(List<T> xs) {
    return xs.get(r.nextInt(xs.size()));
  }
}
