package io.fenceline.core.reference;

import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.ContainerPort;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.IpPrefix;
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
import io.fenceline.core.model.Tier;
import io.fenceline.core.model.TierAction;
import io.fenceline.core.model.TierRule;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides one flow directly from the networking.k8s.io/v1 NetworkPolicy spec, by brute force over
 * the whole cluster. Written to be obviously correct, not fast; it shares no code with the compiler
 * (an ArchUnit test keeps it so): selector matching and CIDR containment are implemented here.
 *
 * <p>A flow is allowed when egress is allowed for its source and ingress for its destination. A
 * direction is allowed for a pod that no policy isolates in that direction; otherwise it is allowed
 * when at least one rule of one policy that selects the pod and isolates it in that direction
 * matches the other side (peer) and the destination port.
 *
 * <p>ClusterNetworkPolicies (policy.networking.k8s.io/v1alpha2): per direction the Admin tier
 * decides first (its policies selecting the pod by priority, then name; rules in written order; the
 * first matching rule decides: Accept allows, Deny denies, Pass goes on to the next tier); then the
 * NetworkPolicy tier, final for a pod a NetworkPolicy isolates; then the Baseline tier the same
 * way; then allow. A {@code nodes} peer matches the addresses of the nodes whose labels its
 * selector matches. A rule whose peer cannot be evaluated matches nothing if it is an Accept and
 * everything otherwise.
 *
 * <p>Choices where the spec is silent, made as the design notes make them:
 *
 * <ul>
 *   <li>A pod that has no IP, has finished (Succeeded/Failed) or uses the host network is no pod
 *       peer: it never matches a pod selector; a host-network pod's IP still matches ipBlocks.
 *   <li>hostNetwork pods are never isolated (their traffic is the node's).
 *   <li>A named port resolves on the destination pod (for ingress: the isolated pod; for egress:
 *       the pod the traffic goes to) against its container ports with that name and protocol. An
 *       external destination, and a host-network pod (its address is its node's, shared by every
 *       host-network pod there), resolve no named port.
 *   <li>A policy that failed validation ({@code failedClosed}) isolates with no rules.
 * </ul>
 */
public final class ReferenceModel {
  private final Map<String, Namespace> namespaces = new HashMap<>();
  private final Map<ObjectKey, Pod> pods = new HashMap<>();
  private final List<NetworkPolicy> policies = new ArrayList<>();
  private final List<ClusterNetworkPolicy> clusterPolicies = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();

  public ReferenceModel(Collection<? extends ClusterObject> objects) {
    for (ClusterObject o : objects) {
      if (o instanceof Namespace n) {
        namespaces.put(n.name(), n);
      } else if (o instanceof Pod p) {
        pods.put(p.key(), p);
      } else if (o instanceof NetworkPolicy p) {
        policies.add(p);
      } else if (o instanceof ClusterNetworkPolicy c) {
        clusterPolicies.add(c);
      } else if (o instanceof Node n) {
        nodes.add(n);
      }
    }
  }

  /** Whether the connection is allowed: egress at the source and ingress at the destination. */
  public boolean allows(Flow flow) {
    return egressAllows(flow) && ingressAllows(flow);
  }

  public boolean egressAllows(Flow flow) {
    return directionAllows(Direction.EGRESS, podOf(flow.src()), flow.dst(), flow);
  }

  public boolean ingressAllows(Flow flow) {
    return directionAllows(Direction.INGRESS, podOf(flow.dst()), flow.src(), flow);
  }

  /**
   * {@code subject} is the pod whose policies decide (null: an external host, never isolated);
   * {@code peer} is the other side of the flow.
   */
  private boolean directionAllows(Direction dir, Pod subject, Flow.Endpoint peer, Flow flow) {
    if (subject == null || !isPolicyPod(subject)) {
      return true;
    }
    TierAction admin = tierDecides(Tier.ADMIN, dir, subject, peer, flow);
    if (admin == TierAction.ACCEPT) {
      return true;
    }
    if (admin == TierAction.DENY) {
      return false;
    }
    Boolean networkPolicies = networkPolicyTier(dir, subject, peer, flow);
    if (networkPolicies != null) {
      return networkPolicies;
    }
    return tierDecides(Tier.BASELINE, dir, subject, peer, flow) != TierAction.DENY;
  }

  /**
   * The NetworkPolicy tier: null when no policy isolates {@code subject} in {@code dir}, else
   * whether one of their rules allows the flow.
   */
  private Boolean networkPolicyTier(Direction dir, Pod subject, Flow.Endpoint peer, Flow flow) {
    boolean isolated = false;
    for (NetworkPolicy policy : policies) {
      if (!policy.namespace().equals(subject.namespace())
          || !selects(policy.podSelector(), subject.labels())
          || !policy.policyTypes().contains(dir)) {
        continue;
      }
      isolated = true;
      if (policy.failedClosed()) {
        continue;
      }
      List<PolicyRule> rules = dir == Direction.INGRESS ? policy.ingress() : policy.egress();
      for (PolicyRule rule : rules) {
        if (ruleMatches(policy, rule, peer, flow)) {
          return true;
        }
      }
    }
    return isolated ? false : null;
  }

  // ---- ClusterNetworkPolicy tiers -------------------------------------------------------------

  /**
   * What tier {@code tier} decides for the flow in {@code dir}: Accept or Deny, or null when a Pass
   * matched first or no rule matched (evaluation goes on to the next tier). Its policies that
   * select {@code subject} are read by priority, then name; rules in written order; the first
   * matching rule decides.
   */
  private TierAction tierDecides(
      Tier tier, Direction dir, Pod subject, Flow.Endpoint peer, Flow flow) {
    List<ClusterNetworkPolicy> ordered = new ArrayList<>();
    for (ClusterNetworkPolicy c : clusterPolicies) {
      if (c.tier() == tier
          && selects(c.subjectNamespaces(), namespaceLabels(subject.namespace()))
          && selects(c.subjectPods(), subject.labels())) {
        ordered.add(c);
      }
    }
    ordered.sort(
        java.util.Comparator.comparingInt(ClusterNetworkPolicy::priority)
            .thenComparing(ClusterNetworkPolicy::name));
    for (ClusterNetworkPolicy c : ordered) {
      for (TierRule rule : c.rules(dir)) {
        if (rule.unmatchablePeers() > 0 && rule.action() != TierAction.ACCEPT) {
          return TierAction.DENY; // the API: such a Deny or Pass rule is a Deny of everything
        }
        if (tierRuleMatches(rule, peer, flow)) {
          return rule.action() == TierAction.PASS ? null : rule.action();
        }
      }
    }
    return null;
  }

  private boolean tierRuleMatches(TierRule rule, Flow.Endpoint peer, Flow flow) {
    boolean peerOk = false;
    for (PolicyPeer p : rule.peers()) {
      if (peerMatches(null, p, peer)) {
        peerOk = true;
        break;
      }
    }
    if (!peerOk) {
      return false;
    }
    if (rule.ports().isEmpty()) {
      return true;
    }
    for (PolicyPort port : rule.ports()) {
      if (portMatches(port, flow)) {
        return true;
      }
    }
    return false;
  }

  private Map<String, String> namespaceLabels(String namespace) {
    return namespaces.getOrDefault(namespace, Namespace.of(namespace, Map.of())).labels();
  }

  private boolean ruleMatches(
      NetworkPolicy policy, PolicyRule rule, Flow.Endpoint peer, Flow flow) {
    boolean peerOk = rule.peers().isEmpty();
    for (PolicyPeer p : rule.peers()) {
      if (peerMatches(policy, p, peer)) {
        peerOk = true;
        break;
      }
    }
    if (!peerOk) {
      return false;
    }
    if (rule.ports().isEmpty()) {
      return true;
    }
    for (PolicyPort port : rule.ports()) {
      if (portMatches(port, flow)) {
        return true;
      }
    }
    return false;
  }

  private boolean peerMatches(NetworkPolicy policy, PolicyPeer peer, Flow.Endpoint endpoint) {
    if (peer instanceof PolicyPeer.IpBlock block) {
      if (!cidrContains(block.cidr(), endpoint.ip())) {
        return false;
      }
      for (IpPrefix except : block.except()) {
        if (cidrContains(except, endpoint.ip())) {
          return false;
        }
      }
      return true;
    }
    if (peer instanceof PolicyPeer.Nodes n) {
      // any address a node reports, of a node whose labels the selector matches
      for (Node node : nodes) {
        if (node.addresses().contains(endpoint.ip()) && selects(n.nodeSelector(), node.labels())) {
          return true;
        }
      }
      return false;
    }
    PolicyPeer.Selector sel = (PolicyPeer.Selector) peer;
    Pod pod = podOf(endpoint);
    if (pod == null || !isPolicyPod(pod)) {
      return false;
    }
    boolean namespaceOk;
    if (sel.namespaceSelector() == null) {
      namespaceOk = policy != null && pod.namespace().equals(policy.namespace());
    } else {
      // A pod's namespace always exists; without its object we still know its automatic label.
      Namespace ns =
          namespaces.getOrDefault(pod.namespace(), Namespace.of(pod.namespace(), Map.of()));
      namespaceOk = selects(sel.namespaceSelector(), ns.labels());
    }
    boolean podOk = sel.podSelector() == null || selects(sel.podSelector(), pod.labels());
    return namespaceOk && podOk;
  }

  /** A named port without a protocol (a ClusterNetworkPolicy's) names a port of any protocol. */
  private boolean portMatches(PolicyPort port, Flow flow) {
    if (port.protocol() != null && port.protocol() != flow.protocol()) {
      return false;
    }
    if (port.name() != null) {
      Pod dst = podOf(flow.dst());
      if (dst == null || !isPolicyPod(dst)) {
        return false;
      }
      for (ContainerPort cp : dst.ports()) {
        if (port.name().equals(cp.name())
            && cp.protocol() == flow.protocol()
            && cp.port() == flow.port()) {
          return true;
        }
      }
      return false;
    }
    if (port.port() == null) {
      return true;
    }
    int from = port.port();
    int to = port.endPort() == null ? from : port.endPort();
    return from <= flow.port() && flow.port() <= to;
  }

  /** The pod an endpoint names; it must exist and hold the endpoint's address. */
  private Pod podOf(Flow.Endpoint endpoint) {
    if (!endpoint.isPod()) {
      return null;
    }
    Pod pod = pods.get(endpoint.pod());
    if (pod == null || !pod.ips().contains(endpoint.ip())) {
      throw new IllegalArgumentException(
          "no pod " + endpoint.pod() + " with address " + endpoint.ip());
    }
    return pod;
  }

  /** A pod that policies see: it has an address, runs, and has its own network namespace. */
  private static boolean isPolicyPod(Pod pod) {
    boolean finished = pod.phase() == PodPhase.SUCCEEDED || pod.phase() == PodPhase.FAILED;
    return !pod.hostNetwork() && !pod.ips().isEmpty() && !finished;
  }

  // ---- selectors ------------------------------------------------------------------------------

  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    for (Map.Entry<String, String> want : selector.matchLabels().entrySet()) {
      if (!labels.containsKey(want.getKey())
          || !labels.get(want.getKey()).equals(want.getValue())) {
        return false;
      }
    }
    for (LabelSelector.Requirement r : selector.matchExpressions()) {
      boolean has = labels.containsKey(r.key());
      boolean ok;
      switch (r.operator()) {
        case IN:
          ok = has && r.values().contains(labels.get(r.key()));
          break;
        case NOT_IN:
          ok = !has || !r.values().contains(labels.get(r.key()));
          break;
        case EXISTS:
          ok = has;
          break;
        case DOES_NOT_EXIST:
          ok = !has;
          break;
        default:
          throw new IllegalArgumentException("unknown operator " + r.operator());
      }
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  // ---- CIDR containment -----------------------------------------------------------------------

  /**
   * Whether {@code ip} lies in {@code cidr}: equal families and equal leading {@code length} bits.
   */
  static boolean cidrContains(IpPrefix cidr, IpAddress ip) {
    byte[] net = cidr.address().bytes();
    byte[] addr = ip.bytes();
    if (net.length != addr.length) {
      return false;
    }
    int width = addr.length * 8;
    int hostBits = width - cidr.length();
    BigInteger a = new BigInteger(1, addr).shiftRight(hostBits);
    BigInteger n = new BigInteger(1, net).shiftRight(hostBits);
    return a.equals(n);
  }
}
