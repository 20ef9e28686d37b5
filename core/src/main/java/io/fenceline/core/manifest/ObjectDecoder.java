package io.fenceline.core.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.fenceline.core.compile.ChainBudget;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.ContainerPort;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.LabelSelector;
import io.fenceline.core.model.Namespace;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.Node;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.PodPhase;
import io.fenceline.core.model.PolicyPeer;
import io.fenceline.core.model.PolicyPort;
import io.fenceline.core.model.PolicyRule;
import io.fenceline.core.model.Protocol;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes one raw object into the model. NetworkPolicies and ClusterNetworkPolicies ({@link
 * ClusterPolicyDecoder}) are decoded strictly (an unknown field is an error, as the API server's
 * strict field validation has it); Pods, Namespaces and Nodes are read for the fields policy needs,
 * each checked for type, the rest ignored.
 *
 * <p>A policy with problems is kept only if its podSelector parsed: then it isolates its targets
 * (in its declared or defaulted directions, both if those are unreadable) and allows nothing.
 */
public final class ObjectDecoder {
  static final Set<String> META_FIELDS =
      Set.of(
          "name",
          "namespace",
          "labels",
          "annotations",
          "uid",
          "resourceVersion",
          "generation",
          "creationTimestamp",
          "deletionTimestamp",
          "deletionGracePeriodSeconds",
          "managedFields",
          "finalizers",
          "ownerReferences",
          "generateName",
          "selfLink");

  /** The result of decoding one object: the object (null if skipped) and its problems. */
  public record Result(ClusterObject object, List<Problem> problems, String ignoredKind) {}

  private final RawObject raw;
  private final List<Problem> problems = new ArrayList<>();
  private String kindName = "?";
  private String displayName = "?";

  private ObjectDecoder(RawObject raw) {
    this.raw = raw;
  }

  public static Result decode(RawObject raw) {
    return new ObjectDecoder(raw).run();
  }

  private Result run() {
    JsonNode n = raw.node();
    JsonNode kindNode = n.get("kind");
    if (kindNode == null || !kindNode.isTextual()) {
      problem("kind", "missing or not a string");
      return new Result(null, problems, null);
    }
    kindName = kindNode.asText();
    Kind kind = Kind.fromApiName(kindName);
    if (kind == null) {
      return new Result(null, problems, kindName);
    }
    JsonNode meta = n.get("metadata");
    if (meta == null || !meta.isObject()) {
      problem("metadata", "missing or not an object");
      return new Result(null, problems, null);
    }
    String name = text(meta, "name", "metadata.name");
    String namespace =
        !kind.namespaced()
            ? ""
            : meta.hasNonNull("namespace")
                ? text(meta, "namespace", "metadata.namespace")
                : "default";
    displayName =
        namespace == null || namespace.isEmpty() ? String.valueOf(name) : namespace + "/" + name;
    if (name == null) {
      problem("metadata.name", "required");
      return new Result(null, problems, null);
    }
    String nameProblem =
        kind == Kind.NAMESPACE ? NameRules.dnsLabel(name) : NameRules.dnsSubdomain(name);
    if (nameProblem != null) {
      displayName = "(invalid name)";
      problem("metadata.name", nameProblem);
      return new Result(null, problems, null);
    }
    if (namespace == null || (!namespace.isEmpty() && NameRules.dnsLabel(namespace) != null)) {
      displayName = "(invalid namespace)/" + name;
      problem("metadata.namespace", "must be a DNS-1123 label");
      return new Result(null, problems, null);
    }
    ClusterObject obj =
        switch (kind) {
          case NAMESPACE ->
              new Namespace(
                  name, io.fenceline.core.model.Labels.copyOf(labels(meta, "metadata.labels")));
          case NODE -> node(n, meta, name);
          case POD -> pod(n, meta, new ObjectKey(namespace, name));
          case NETWORK_POLICY -> policy(n, meta, new ObjectKey(namespace, name));
          case CLUSTER_NETWORK_POLICY -> new ClusterPolicyDecoder(this).decode(n, meta, name);
        };
    return new Result(obj, problems, null);
  }

  // ---- nodes and pods -----------------------------------------------------------------------

  private Node node(JsonNode n, JsonNode meta, String name) {
    List<IpAddress> addresses = new ArrayList<>();
    JsonNode list = n.path("status").path("addresses");
    if (list.isArray()) {
      for (int i = 0; i < list.size(); i++) {
        JsonNode a = list.get(i);
        String type = a.path("type").asText("");
        if (!type.equals("InternalIP") && !type.equals("ExternalIP")) {
          continue;
        }
        IpAddress ip = ip(a.path("address").asText(""), "status.addresses[" + i + "].address");
        if (ip != null) {
          addresses.add(ip);
        }
      }
    }
    return Node.of(name, labels(meta, "metadata.labels"), addresses);
  }

  private Pod pod(JsonNode n, JsonNode meta, ObjectKey key) {
    Map<String, String> labels = labels(meta, "metadata.labels");
    JsonNode spec = n.path("spec");
    JsonNode status = n.path("status");
    String nodeName = spec.hasNonNull("nodeName") ? text(spec, "nodeName", "spec.nodeName") : null;
    if (nodeName != null && NameRules.dnsSubdomain(nodeName) != null) {
      // A node name becomes a payload folder and a partition key: never a path or free text.
      problem(
          "spec.nodeName",
          NameRules.dnsSubdomain(nodeName) + "; the pod is treated as not scheduled");
      nodeName = null;
    }
    boolean hostNetwork = bool(spec, "hostNetwork", "spec.hostNetwork");
    List<IpAddress> ips = new ArrayList<>();
    JsonNode podIps = status.path("podIPs");
    if (podIps.isArray()) {
      for (int i = 0; i < podIps.size(); i++) {
        IpAddress ip = podIp(podIps.get(i).path("ip").asText(""), "status.podIPs[" + i + "].ip");
        if (ip != null && !ips.contains(ip)) {
          ips.add(ip);
        }
      }
    }
    if (status.hasNonNull("podIP")) {
      IpAddress ip = podIp(status.get("podIP").asText(""), "status.podIP");
      if (ip != null && !ips.contains(ip)) {
        ips.add(0, ip);
      }
    }
    PodPhase phase =
        PodPhase.fromApiName(
            status.path("phase").isTextual() ? status.path("phase").asText() : null);
    List<ContainerPort> ports = new ArrayList<>();
    JsonNode containers = spec.path("containers");
    if (containers.isArray()) {
      for (int c = 0; c < containers.size(); c++) {
        JsonNode cports = containers.get(c).path("ports");
        if (!cports.isArray()) {
          continue;
        }
        for (int i = 0; i < cports.size(); i++) {
          String field = "spec.containers[" + c + "].ports[" + i + "]";
          JsonNode cp = cports.get(i);
          JsonNode num = cp.get("containerPort");
          if (num == null
              || !num.canConvertToInt()
              || !num.isIntegralNumber()
              || num.asInt() < 1
              || num.asInt() > 65535) {
            problem(field + ".containerPort", "must be a number between 1 and 65535");
            continue;
          }
          Protocol proto = protocol(cp.get("protocol"), field + ".protocol");
          if (proto == null) {
            continue;
          }
          String portName = cp.hasNonNull("name") ? cp.get("name").asText() : null;
          ports.add(new ContainerPort(portName, num.asInt(), proto));
        }
      }
    }
    return Pod.of(key, labels, ips, nodeName, phase, hostNetwork, ports);
  }

  // ---- network policies ---------------------------------------------------------------------

  private NetworkPolicy policy(JsonNode n, JsonNode meta, ObjectKey key) {
    String apiVersion = n.path("apiVersion").asText("");
    if (!apiVersion.equals("networking.k8s.io/v1")) {
      problem("apiVersion", "expected networking.k8s.io/v1, got '" + apiVersion + "'");
      return null;
    }
    allowOnly(n, "", Set.of("apiVersion", "kind", "metadata", "spec", "status"));
    allowOnly(meta, "metadata.", META_FIELDS);
    labels(meta, "metadata.labels");
    int before = problems.size();
    JsonNode spec = n.get("spec");
    if (spec == null || !spec.isObject()) {
      problem("spec", "missing or not an object");
      return null;
    }
    allowOnly(spec, "spec.", Set.of("podSelector", "policyTypes", "ingress", "egress"));
    int selectorProblems = problems.size();
    LabelSelector podSelector =
        spec.hasNonNull("podSelector")
            ? selector(spec.get("podSelector"), "spec.podSelector")
            : LabelSelector.EVERYTHING;
    if (podSelector == null
        || problems.size() > selectorProblems && podSelectorProblem(selectorProblems)) {
      problem(
          "spec.podSelector",
          "does not parse, so the policy's targets are unknown: the policy is ignored");
      return null;
    }
    Set<Direction> types = policyTypes(spec);
    boolean typesOk = types != null;
    if (types == null) {
      types = EnumSet.allOf(Direction.class);
    }
    List<PolicyRule> ingress = rules(spec.get("ingress"), "spec.ingress", Direction.INGRESS);
    List<PolicyRule> egress = rules(spec.get("egress"), "spec.egress", Direction.EGRESS);
    if (problems.size() > before) {
      problem(
          "spec",
          "invalid policy: it isolates its targets ("
              + (typesOk ? directions(types) : "ingress and egress")
              + ") and allows nothing until fixed");
      return new NetworkPolicy(key, podSelector, types, List.of(), List.of(), true);
    }
    NetworkPolicy policy = new NetworkPolicy(key, podSelector, types, ingress, egress, false);
    List<String> tooLarge = new ArrayList<>();
    for (Direction d : types) {
      long bytes = ChainBudget.excess(policy, d);
      if (bytes > 0) {
        tooLarge.add(d.lowerName() + " " + bytes + " bytes");
      }
    }
    if (!tooLarge.isEmpty()) {
      problem(
          "spec",
          "compiles to rule chains larger than one node fact may be ("
              + String.join(", ", tooLarge)
              + "; at most "
              + ChainBudget.MAX_CHAIN_BYTES
              + "): it isolates its targets ("
              + directions(types)
              + ") and allows nothing until it is split into smaller policies");
      return new NetworkPolicy(key, podSelector, types, List.of(), List.of(), true);
    }
    return policy;
  }

  private boolean podSelectorProblem(int from) {
    for (int i = from; i < problems.size(); i++) {
      if (problems.get(i).field().startsWith("spec.podSelector")) {
        return true;
      }
    }
    return false;
  }

  private static String directions(Set<Direction> types) {
    return types.stream()
        .map(Direction::lowerName)
        .sorted()
        .reduce((a, b) -> a + " and " + b)
        .orElse("nothing");
  }

  /** Null when unreadable (then the policy fails closed in both directions). */
  private Set<Direction> policyTypes(JsonNode spec) {
    JsonNode pt = spec.get("policyTypes");
    if (pt == null || pt.isNull() || (pt.isArray() && pt.isEmpty())) {
      Set<Direction> d = EnumSet.of(Direction.INGRESS);
      JsonNode eg = spec.get("egress");
      if (eg != null && eg.isArray() && !eg.isEmpty()) {
        d.add(Direction.EGRESS);
      }
      return d;
    }
    if (!pt.isArray()) {
      problem("spec.policyTypes", "must be a list");
      return null;
    }
    if (pt.size() > 2) {
      problem("spec.policyTypes", "may name at most Ingress and Egress");
      return null;
    }
    Set<Direction> d = EnumSet.noneOf(Direction.class);
    for (int i = 0; i < pt.size(); i++) {
      String v = pt.get(i).isTextual() ? pt.get(i).asText() : "";
      if (v.equals("Ingress")) {
        d.add(Direction.INGRESS);
      } else if (v.equals("Egress")) {
        d.add(Direction.EGRESS);
      } else {
        problem(
            "spec.policyTypes[" + i + "]",
            "must be Ingress or Egress, got '" + pt.get(i).asText() + "'");
        return null;
      }
    }
    return d;
  }

  private List<PolicyRule> rules(JsonNode list, String field, Direction dir) {
    List<PolicyRule> out = new ArrayList<>();
    if (list == null || list.isNull()) {
      return out;
    }
    if (!list.isArray()) {
      problem(field, "must be a list");
      return out;
    }
    String peersField = dir == Direction.INGRESS ? "from" : "to";
    for (int i = 0; i < list.size(); i++) {
      String rf = field + "[" + i + "]";
      JsonNode r = list.get(i);
      if (!r.isObject()) {
        problem(rf, "must be an object");
        continue;
      }
      allowOnly(r, rf + ".", Set.of(peersField, "ports"));
      List<PolicyPeer> peers = new ArrayList<>();
      JsonNode pl = r.get(peersField);
      if (pl != null && !pl.isNull()) {
        if (!pl.isArray()) {
          problem(rf + "." + peersField, "must be a list");
        } else {
          for (int j = 0; j < pl.size(); j++) {
            PolicyPeer peer = peer(pl.get(j), rf + "." + peersField + "[" + j + "]");
            if (peer != null) {
              peers.add(peer);
            }
          }
        }
      }
      List<PolicyPort> ports = new ArrayList<>();
      JsonNode ports0 = r.get("ports");
      if (ports0 != null && !ports0.isNull()) {
        if (!ports0.isArray()) {
          problem(rf + ".ports", "must be a list");
        } else {
          for (int j = 0; j < ports0.size(); j++) {
            PolicyPort port = port(ports0.get(j), rf + ".ports[" + j + "]");
            if (port != null) {
              ports.add(port);
            }
          }
        }
      }
      out.add(new PolicyRule(peers, ports));
    }
    return out;
  }

  private PolicyPeer peer(JsonNode p, String field) {
    if (!p.isObject()) {
      problem(field, "must be an object");
      return null;
    }
    allowOnly(p, field + ".", Set.of("podSelector", "namespaceSelector", "ipBlock"));
    boolean hasPod = p.hasNonNull("podSelector");
    boolean hasNs = p.hasNonNull("namespaceSelector");
    boolean hasBlock = p.hasNonNull("ipBlock");
    if (!hasPod && !hasNs && !hasBlock) {
      problem(field, "must specify podSelector, namespaceSelector or ipBlock");
      return null;
    }
    if (hasBlock && (hasPod || hasNs)) {
      problem(field, "ipBlock may not be combined with podSelector or namespaceSelector");
      return null;
    }
    if (hasBlock) {
      return ipBlock(p.get("ipBlock"), field + ".ipBlock");
    }
    LabelSelector ns =
        hasNs ? selector(p.get("namespaceSelector"), field + ".namespaceSelector") : null;
    LabelSelector pod = hasPod ? selector(p.get("podSelector"), field + ".podSelector") : null;
    if ((hasNs && ns == null) || (hasPod && pod == null)) {
      return null;
    }
    return new PolicyPeer.Selector(ns, pod);
  }

  private PolicyPeer ipBlock(JsonNode b, String field) {
    if (!b.isObject()) {
      problem(field, "must be an object");
      return null;
    }
    allowOnly(b, field + ".", Set.of("cidr", "except"));
    IpPrefix cidr = cidr(b.get("cidr"), field + ".cidr");
    if (cidr == null) {
      return null;
    }
    List<IpPrefix> except = new ArrayList<>();
    JsonNode ex = b.get("except");
    if (ex != null && !ex.isNull()) {
      if (!ex.isArray()) {
        problem(field + ".except", "must be a list");
        return null;
      }
      for (int i = 0; i < ex.size(); i++) {
        String ef = field + ".except[" + i + "]";
        IpPrefix e = cidr(ex.get(i), ef);
        if (e == null) {
          return null;
        }
        if (e.family() != cidr.family() || !cidr.contains(e) || e.length() <= cidr.length()) {
          problem(ef, "must be a strict subset of cidr " + cidr);
          return null;
        }
        except.add(e);
      }
    }
    return new PolicyPeer.IpBlock(cidr, except);
  }

  IpPrefix cidr(JsonNode v, String field) {
    if (v == null || !v.isTextual()) {
      problem(field, "must be a CIDR string");
      return null;
    }
    try {
      return IpPrefix.parse(v.asText());
    } catch (IllegalArgumentException e) {
      problem(field, e.getMessage());
      return null;
    }
  }

  private PolicyPort port(JsonNode p, String field) {
    if (!p.isObject()) {
      problem(field, "must be an object");
      return null;
    }
    allowOnly(p, field + ".", Set.of("protocol", "port", "endPort"));
    Protocol proto = protocol(p.get("protocol"), field + ".protocol");
    if (proto == null) {
      return null;
    }
    JsonNode port = p.get("port");
    JsonNode end = p.get("endPort");
    boolean hasEnd = end != null && !end.isNull();
    if (port == null || port.isNull()) {
      if (hasEnd) {
        problem(field + ".endPort", "may only be set together with a numeric port");
        return null;
      }
      return PolicyPort.allPorts(proto);
    }
    if (port.isTextual()) {
      String reason = NameRules.portName(port.asText());
      if (reason != null) {
        problem(field + ".port", reason + ", got '" + port.asText() + "'");
        return null;
      }
      if (hasEnd) {
        problem(field + ".endPort", "may not be set with a named port");
        return null;
      }
      return PolicyPort.named(proto, port.asText());
    }
    Integer number = portNumber(port, field + ".port");
    if (number == null) {
      return null;
    }
    if (!hasEnd) {
      return PolicyPort.number(proto, number);
    }
    Integer endNumber = portNumber(end, field + ".endPort");
    if (endNumber == null) {
      return null;
    }
    if (endNumber < number) {
      problem(
          field + ".endPort",
          "must be greater than or equal to port " + number + ", got " + endNumber);
      return null;
    }
    return PolicyPort.range(proto, number, endNumber);
  }

  Integer portNumber(JsonNode v, String field) {
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1 || v.asInt() > 65535) {
      problem(field, "must be a number between 1 and 65535, got " + v);
      return null;
    }
    return v.asInt();
  }

  private Protocol protocol(JsonNode v, String field) {
    if (v == null || v.isNull()) {
      return Protocol.TCP;
    }
    String s = v.isTextual() ? v.asText() : "";
    switch (s) {
      case "TCP":
        return Protocol.TCP;
      case "UDP":
        return Protocol.UDP;
      case "SCTP":
        return Protocol.SCTP;
      default:
        problem(field, "must be TCP, UDP or SCTP, got " + v);
        return null;
    }
  }

  LabelSelector selector(JsonNode s, String field) {
    if (!s.isObject()) {
      problem(
          field,
          "must be an object (a label selector), got "
              + s.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
      return null;
    }
    int before = problems.size();
    allowOnly(s, field + ".", Set.of("matchLabels", "matchExpressions"));
    Map<String, String> ml = new LinkedHashMap<>();
    JsonNode mlNode = s.get("matchLabels");
    if (mlNode != null && !mlNode.isNull()) {
      ml = stringMap(mlNode, field + ".matchLabels", true);
    }
    List<LabelSelector.Requirement> reqs = new ArrayList<>();
    JsonNode me = s.get("matchExpressions");
    if (me != null && !me.isNull()) {
      if (!me.isArray()) {
        problem(field + ".matchExpressions", "must be a list");
      } else {
        for (int i = 0; i < me.size(); i++) {
          LabelSelector.Requirement r =
              requirement(me.get(i), field + ".matchExpressions[" + i + "]");
          if (r != null) {
            reqs.add(r);
          }
        }
      }
    }
    if (problems.size() > before) {
      return null;
    }
    return new LabelSelector(ml, reqs);
  }

  private LabelSelector.Requirement requirement(JsonNode r, String field) {
    if (!r.isObject()) {
      problem(field, "must be an object");
      return null;
    }
    allowOnly(r, field + ".", Set.of("key", "operator", "values"));
    String key = r.path("key").isTextual() ? r.get("key").asText() : null;
    if (key == null) {
      problem(field + ".key", "required");
      return null;
    }
    String keyProblem = NameRules.labelKey(key);
    if (keyProblem != null) {
      problem(field + ".key", keyProblem);
      return null;
    }
    String opName = r.path("operator").isTextual() ? r.get("operator").asText() : "";
    LabelSelector.Operator op = LabelSelector.Operator.fromApiName(opName);
    if (op == null) {
      problem(
          field + ".operator",
          "must be In, NotIn, Exists or DoesNotExist, got '" + r.path("operator").asText() + "'");
      return null;
    }
    List<String> values = new ArrayList<>();
    JsonNode vs = r.get("values");
    if (vs != null && !vs.isNull()) {
      if (!vs.isArray()) {
        problem(field + ".values", "must be a list");
        return null;
      }
      for (int i = 0; i < vs.size(); i++) {
        if (!vs.get(i).isTextual()) {
          problem(field + ".values[" + i + "]", "must be a string");
          return null;
        }
        String reason = NameRules.labelValue(vs.get(i).asText());
        if (reason != null) {
          problem(field + ".values[" + i + "]", reason);
          return null;
        }
        values.add(vs.get(i).asText());
      }
    }
    boolean set = op == LabelSelector.Operator.IN || op == LabelSelector.Operator.NOT_IN;
    if (set && values.isEmpty()) {
      problem(field + ".values", "must be non-empty for operator " + opName);
      return null;
    }
    if (!set && !values.isEmpty()) {
      problem(field + ".values", "must be empty for operator " + opName);
      return null;
    }
    return new LabelSelector.Requirement(key, op, values);
  }

  // ---- small readers ------------------------------------------------------------------------

  Map<String, String> labels(JsonNode meta, String field) {
    JsonNode l = meta.get("labels");
    if (l == null || l.isNull()) {
      return Map.of();
    }
    return stringMap(l, field, true);
  }

  private Map<String, String> stringMap(JsonNode m, String field, boolean asLabels) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!m.isObject()) {
      problem(field, "must be a map of strings");
      return out;
    }
    Iterator<Map.Entry<String, JsonNode>> it = m.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String f = field + "[" + e.getKey() + "]";
      if (!e.getValue().isTextual()) {
        problem(
            f,
            "must be a string, got "
                + e.getValue().getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        continue;
      }
      if (asLabels) {
        String reason = NameRules.labelKey(e.getKey());
        if (reason == null) {
          reason = NameRules.labelValue(e.getValue().asText());
        }
        if (reason != null) {
          problem(f, reason);
          continue;
        }
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  String text(JsonNode obj, String name, String field) {
    JsonNode v = obj.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      problem(field, "must be a string");
      return null;
    }
    return v.asText();
  }

  private boolean bool(JsonNode obj, String name, String field) {
    JsonNode v = obj.get(name);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      problem(field, "must be true or false");
      return false;
    }
    return v.asBoolean();
  }

  private IpAddress ip(String text, String field) {
    try {
      return IpAddress.parse(text);
    } catch (IllegalArgumentException e) {
      problem(field, e.getMessage());
      return null;
    }
  }

  /**
   * A pod IP the kernel can hold in a set: the unspecified address cannot be (ipset refuses it).
   */
  private IpAddress podIp(String text, String field) {
    IpAddress ip = ip(text, field);
    if (ip != null && ip.equals(ip.masked(0))) {
      problem(field, "the unspecified address " + ip + " is not a pod IP");
      return null;
    }
    return ip;
  }

  void allowOnly(JsonNode obj, String prefix, Set<String> allowed) {
    Iterator<String> names = obj.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!allowed.contains(n)) {
        problem(
            prefix + n,
            "unknown field (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
      }
    }
  }

  /** How many problems this object has so far. */
  int problemCount() {
    return problems.size();
  }

  void problem(String field, String reason) {
    problems.add(new Problem(raw.location(), kindName, displayName, field, reason));
  }
}
