package io.fenceline.core.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.LabelSelector;
import io.fenceline.core.model.PolicyPeer;
import io.fenceline.core.model.PolicyPort;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.model.Tier;
import io.fenceline.core.model.TierAction;
import io.fenceline.core.model.TierRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decodes a policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy strictly, with the API's own
 * limits (25 rules per direction, 25 peers and 25 protocols per rule, names of at most 100
 * characters, priority 0..1000, exactly one field per subject, peer and protocol).
 *
 * <p>Without a readable tier, priority or subject the policy cannot be placed and is ignored (with
 * the problem). A peer with no field fenceline knows, or only a field it does not support ({@code
 * domainNames}), fails closed as the API asks (see {@link TierRule}) and is reported; any other
 * problem fails the whole policy closed: each direction it has rules in denies everything for its
 * subjects, in its tier and at its priority, until fixed.
 */
final class ClusterPolicyDecoder {
  static final String API_VERSION = "policy.networking.k8s.io/v1alpha2";
  static final int MAX_RULES = 25;
  static final int MAX_PEERS = 25;
  static final int MAX_PROTOCOLS = 25;
  static final int MAX_RULE_NAME = 100;
  static final int MAX_PRIORITY = 1000;

  private final ObjectDecoder d;
  private int unmatchableProblems;

  ClusterPolicyDecoder(ObjectDecoder d) {
    this.d = d;
  }

  ClusterNetworkPolicy decode(JsonNode n, JsonNode meta, String name) {
    String apiVersion = n.path("apiVersion").asText("");
    if (!apiVersion.equals(API_VERSION)) {
      d.problem("apiVersion", "expected " + API_VERSION + ", got '" + apiVersion + "'");
      return null;
    }
    d.allowOnly(n, "", Set.of("apiVersion", "kind", "metadata", "spec", "status"));
    d.allowOnly(meta, "metadata.", ObjectDecoder.META_FIELDS);
    d.labels(meta, "metadata.labels");
    int before = d.problemCount();
    JsonNode spec = n.get("spec");
    if (spec == null || !spec.isObject()) {
      d.problem("spec", "missing or not an object");
      return null;
    }
    d.allowOnly(spec, "spec.", Set.of("tier", "priority", "subject", "ingress", "egress"));
    Tier tier = tier(spec.get("tier"));
    Integer priority = priority(spec.get("priority"));
    LabelSelector[] subject = subject(spec.get("subject"));
    if (tier == null || priority == null || subject == null) {
      d.problem(
          "spec",
          "the policy's tier, priority or subject is unreadable, so it cannot be placed: it is"
              + " ignored");
      return null;
    }
    List<TierRule> ingress = rules(spec.get("ingress"), "spec.ingress", Direction.INGRESS);
    List<TierRule> egress = rules(spec.get("egress"), "spec.egress", Direction.EGRESS);
    if (d.problemCount() - unmatchableProblems > before) {
      List<TierRule> in = spec.hasNonNull("ingress") ? List.of(denyAll()) : List.of();
      List<TierRule> out = spec.hasNonNull("egress") ? List.of(denyAll()) : List.of();
      d.problem(
          "spec",
          "invalid policy: it denies everything ("
              + governed(in, out)
              + ") for its subjects, in the "
              + tier.apiName()
              + " tier at priority "
              + priority
              + ", until fixed");
      return new ClusterNetworkPolicy(name, tier, priority, subject[0], subject[1], in, out, true);
    }
    return new ClusterNetworkPolicy(
        name, tier, priority, subject[0], subject[1], ingress, egress, false);
  }

  /** What a failed-closed direction holds: one Deny rule with a peer nothing can evaluate. */
  static TierRule denyAll() {
    return new TierRule("", TierAction.DENY, List.of(), List.of(), 1);
  }

  private static String governed(List<TierRule> in, List<TierRule> out) {
    if (!in.isEmpty() && !out.isEmpty()) {
      return "ingress and egress";
    }
    return !in.isEmpty() ? "ingress" : !out.isEmpty() ? "egress" : "no direction: it has no rules";
  }

  private Tier tier(JsonNode v) {
    Tier t = v != null && v.isTextual() ? Tier.fromApiName(v.asText()) : null;
    if (t == null) {
      d.problem("spec.tier", "must be Admin or Baseline, got " + (v == null ? "nothing" : v));
    }
    return t;
  }

  private Integer priority(JsonNode v) {
    if (v == null
        || !v.isIntegralNumber()
        || !v.canConvertToInt()
        || v.asInt() < 0
        || v.asInt() > MAX_PRIORITY) {
      d.problem(
          "spec.priority",
          "must be a number between 0 and "
              + MAX_PRIORITY
              + ", got "
              + (v == null ? "nothing" : v));
      return null;
    }
    return v.asInt();
  }

  /** {namespace selector, pod selector}, or null. */
  private LabelSelector[] subject(JsonNode s) {
    String field = "spec.subject";
    if (s == null || !s.isObject()) {
      d.problem(field, "missing or not an object");
      return null;
    }
    d.allowOnly(s, field + ".", Set.of("namespaces", "pods"));
    if (s.size() != 1 || !(s.has("namespaces") || s.has("pods"))) {
      d.problem(field, "must set exactly one of namespaces, pods");
      return null;
    }
    int before = d.problemCount();
    LabelSelector[] out =
        s.has("namespaces")
            ? new LabelSelector[] {
              d.selector(s.get("namespaces"), field + ".namespaces"), LabelSelector.EVERYTHING
            }
            : namespacedPod(s.get("pods"), field + ".pods");
    return out == null || out[0] == null || out[1] == null || d.problemCount() > before
        ? null
        : out;
  }

  /** A NamespacedPod: {namespace selector (default: every namespace), pod selector}, or null. */
  private LabelSelector[] namespacedPod(JsonNode p, String field) {
    if (p == null || !p.isObject()) {
      d.problem(field, "must be an object");
      return null;
    }
    d.allowOnly(p, field + ".", Set.of("namespaceSelector", "podSelector"));
    if (!p.hasNonNull("podSelector")) {
      d.problem(field + ".podSelector", "required");
      return null;
    }
    LabelSelector ns =
        p.hasNonNull("namespaceSelector")
            ? d.selector(p.get("namespaceSelector"), field + ".namespaceSelector")
            : LabelSelector.EVERYTHING;
    LabelSelector pods = d.selector(p.get("podSelector"), field + ".podSelector");
    return ns == null || pods == null ? null : new LabelSelector[] {ns, pods};
  }

  private List<TierRule> rules(JsonNode list, String field, Direction dir) {
    List<TierRule> out = new ArrayList<>();
    if (list == null || list.isNull()) {
      return out;
    }
    if (!list.isArray()) {
      d.problem(field, "must be a list");
      return out;
    }
    if (list.size() > MAX_RULES) {
      d.problem(field, "may hold at most " + MAX_RULES + " rules, has " + list.size());
    }
    String peersField = dir == Direction.INGRESS ? "from" : "to";
    for (int i = 0; i < list.size(); i++) {
      TierRule r = rule(list.get(i), field + "[" + i + "]", peersField, dir);
      if (r != null) {
        out.add(r);
      }
    }
    return out;
  }

  private TierRule rule(JsonNode r, String field, String peersField, Direction dir) {
    if (!r.isObject()) {
      d.problem(field, "must be an object");
      return null;
    }
    d.allowOnly(r, field + ".", Set.of("name", "action", peersField, "protocols"));
    String name = "";
    if (r.has("name")) {
      name = d.text(r, "name", field + ".name");
      if (name != null && name.length() > MAX_RULE_NAME) {
        d.problem(field + ".name", "may be at most " + MAX_RULE_NAME + " characters");
      }
      name = name == null ? "" : name;
    }
    JsonNode a = r.get("action");
    TierAction action = a != null && a.isTextual() ? TierAction.fromApiName(a.asText()) : null;
    if (action == null) {
      d.problem(
          field + ".action", "must be Accept, Deny or Pass, got " + (a == null ? "nothing" : a));
      return null;
    }
    JsonNode peers = r.get(peersField);
    if (peers == null || !peers.isArray() || peers.isEmpty()) {
      d.problem(field + "." + peersField, "must be a list of at least one peer");
      return null;
    }
    if (peers.size() > MAX_PEERS) {
      d.problem(field + "." + peersField, "may hold at most " + MAX_PEERS + " peers");
    }
    List<PolicyPeer> matched = new ArrayList<>();
    int unmatchable = 0;
    boolean podsOnly = true;
    for (int i = 0; i < peers.size(); i++) {
      String pf = field + "." + peersField + "[" + i + "]";
      JsonNode p = peers.get(i);
      int before = d.problemCount();
      List<PolicyPeer> decoded = peer(p, pf, dir);
      if (decoded == UNMATCHABLE) {
        unmatchable++;
        unmatchableProblems += d.problemCount() - before;
        continue;
      }
      if (decoded == null) {
        unmatchable++; // invalid: reported, and the policy fails closed as a whole
        continue;
      }
      for (PolicyPeer x : decoded) {
        podsOnly &= x instanceof PolicyPeer.Selector;
      }
      matched.addAll(decoded);
    }
    List<PolicyPort> ports = protocols(r.get("protocols"), field + ".protocols");
    if (ports.stream().anyMatch(PolicyPort::isNamed) && (!podsOnly || unmatchable > 0)) {
      d.problem(
          field + ".protocols",
          "destinationNamedPort needs pod peers only: networks, nodes and domainNames have no"
              + " named ports");
    }
    return new TierRule(name, action, matched, ports, unmatchable);
  }

  /** What {@link #peer} returns for a peer without a field fenceline evaluates (reported). */
  private static final List<PolicyPeer> UNMATCHABLE = new ArrayList<>();

  /**
   * The peer's selectors or CIDRs; {@link #UNMATCHABLE} when it names no field fenceline evaluates
   * (it fails closed, as the API asks); null when it is invalid.
   */
  private List<PolicyPeer> peer(JsonNode p, String field, Direction dir) {
    if (!p.isObject()) {
      d.problem(field, "must be an object");
      return null;
    }
    Set<String> known =
        dir == Direction.INGRESS
            ? Set.of("namespaces", "pods")
            : Set.of("namespaces", "pods", "networks", "nodes", "domainNames");
    List<String> set = new ArrayList<>();
    p.fieldNames().forEachRemaining(set::add);
    List<String> ofKnown = set.stream().filter(known::contains).toList();
    if (ofKnown.isEmpty()) {
      d.problem(
          field,
          (set.isEmpty() ? "sets no field" : "sets only fields fenceline does not know " + set)
              + " (known: "
              + String.join(", ", new java.util.TreeSet<>(known))
              + "): it fails closed (matches nothing in an Accept rule, denies everything in a"
              + " Deny or Pass rule)");
      return UNMATCHABLE;
    }
    if (set.size() != 1) {
      d.problem(
          field, "must set exactly one of " + String.join(", ", new java.util.TreeSet<>(known)));
      return null;
    }
    String f = set.get(0);
    switch (f) {
      case "namespaces" -> {
        LabelSelector ns = d.selector(p.get(f), field + ".namespaces");
        return ns == null ? null : List.of(new PolicyPeer.Selector(ns, LabelSelector.EVERYTHING));
      }
      case "pods" -> {
        LabelSelector[] s = namespacedPod(p.get(f), field + ".pods");
        return s == null ? null : List.of(new PolicyPeer.Selector(s[0], s[1]));
      }
      case "networks" -> {
        return networks(p.get(f), field + ".networks");
      }
      case "nodes" -> {
        LabelSelector nodes = d.selector(p.get(f), field + ".nodes");
        return nodes == null ? null : List.of(new PolicyPeer.Nodes(nodes));
      }
      default -> {
        d.problem(
            field + "." + f,
            "is not supported by fenceline (experimental in the API): the peer fails closed"
                + " (matches nothing in an Accept rule, denies everything in a Deny or Pass rule)");
        return UNMATCHABLE;
      }
    }
  }

  private List<PolicyPeer> networks(JsonNode list, String field) {
    if (list == null || !list.isArray() || list.isEmpty()) {
      d.problem(field, "must be a list of at least one CIDR");
      return null;
    }
    if (list.size() > MAX_PEERS) {
      d.problem(field, "may hold at most " + MAX_PEERS + " CIDRs");
    }
    List<PolicyPeer> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      IpPrefix cidr = d.cidr(list.get(i), field + "[" + i + "]");
      if (cidr == null) {
        return null;
      }
      out.add(new PolicyPeer.IpBlock(cidr, List.of()));
    }
    return out;
  }

  private List<PolicyPort> protocols(JsonNode list, String field) {
    List<PolicyPort> out = new ArrayList<>();
    if (list == null || list.isNull()) {
      return out;
    }
    if (!list.isArray() || list.isEmpty()) {
      d.problem(field, "must be a list of at least one protocol");
      return out;
    }
    if (list.size() > MAX_PROTOCOLS) {
      d.problem(field, "may hold at most " + MAX_PROTOCOLS + " entries");
    }
    for (int i = 0; i < list.size(); i++) {
      PolicyPort p = protocol(list.get(i), field + "[" + i + "]");
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  private PolicyPort protocol(JsonNode p, String field) {
    Set<String> known = Set.of("tcp", "udp", "sctp", "destinationNamedPort");
    if (!p.isObject() || p.size() != 1 || !known.contains(p.fieldNames().next())) {
      d.problem(field, "must set exactly one of destinationNamedPort, sctp, tcp, udp");
      return null;
    }
    String f = p.fieldNames().next();
    if (f.equals("destinationNamedPort")) {
      String name = d.text(p, f, field + "." + f);
      if (name == null) {
        return null;
      }
      String reason = NameRules.portName(name);
      if (reason != null) {
        d.problem(field + "." + f, reason);
        return null;
      }
      return PolicyPort.named(null, name);
    }
    Protocol proto =
        switch (f) {
          case "tcp" -> Protocol.TCP;
          case "udp" -> Protocol.UDP;
          default -> Protocol.SCTP;
        };
    JsonNode m = p.get(f);
    String mf = field + "." + f;
    if (!m.isObject()) {
      d.problem(mf, "must be an object");
      return null;
    }
    d.allowOnly(m, mf + ".", Set.of("destinationPort"));
    JsonNode port = m.get("destinationPort");
    if (port == null || !port.isObject() || port.size() != 1) {
      d.problem(mf + ".destinationPort", "must set exactly one of number, range");
      return null;
    }
    if (port.has("number")) {
      Integer n = d.portNumber(port.get("number"), mf + ".destinationPort.number");
      return n == null ? null : PolicyPort.number(proto, n);
    }
    JsonNode range = port.get("range");
    String rf = mf + ".destinationPort.range";
    if (range == null || !range.isObject()) {
      d.problem(mf + ".destinationPort", "must set exactly one of number, range");
      return null;
    }
    d.allowOnly(range, rf + ".", Set.of("start", "end"));
    if (!range.has("start") || !range.has("end")) {
      d.problem(rf, "must set start and end");
      return null;
    }
    Integer start = d.portNumber(range.get("start"), rf + ".start");
    Integer end = d.portNumber(range.get("end"), rf + ".end");
    if (start == null || end == null) {
      return null;
    }
    if (start >= end) {
      d.problem(rf, "start must be less than end, got " + start + " and " + end);
      return null;
    }
    return PolicyPort.range(proto, start, end);
  }
}
