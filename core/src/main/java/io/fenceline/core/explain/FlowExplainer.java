package io.fenceline.core.explain;

import io.fenceline.core.compile.Selectors;
import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.ContainerPort;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.Namespace;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.Node;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.PolicyPeer;
import io.fenceline.core.model.PolicyPort;
import io.fenceline.core.model.PolicyRule;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.model.Tier;
import io.fenceline.core.model.TierAction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Explains one flow against a cluster state: the verdict, and for each side (egress at the source
 * pod, ingress at the destination pod) whether the pod is isolated, by which policies, and the
 * policy, rule and peer that allowed it. Pure; the state is whatever the caller rebuilt (now, or
 * any past moment replayed from the event log).
 */
public final class FlowExplainer {
  /** The cluster state a flow is explained against; read live, never copied. */
  public interface State {
    Map<String, Namespace> namespaces();

    Map<ObjectKey, Pod> pods();

    /** Sorted by key, so that one namespace's policies are one range. */
    NavigableMap<ObjectKey, NetworkPolicy> policies();

    /** The running pod holding {@code ip}, else null. */
    ObjectKey holderOf(IpAddress ip);

    /** The ClusterNetworkPolicies, in any order. */
    default Collection<ClusterNetworkPolicy> clusterPolicies() {
      return List.of();
    }

    /** The nodes, by name (what a ClusterNetworkPolicy {@code nodes} peer selects). */
    default Map<String, Node> nodes() {
      return Map.of();
    }
  }

  private final Map<String, Namespace> namespaces;
  private final Map<ObjectKey, Pod> pods;
  private final NavigableMap<ObjectKey, NetworkPolicy> policies;
  private final State state;
  private final TierExplainer tiers;

  /** An end of the flow: a pod (with the address used) or an external address. */
  public record Endpoint(IpAddress ip, ObjectKey pod) {}

  /**
   * The policy, 0-based rule index and peer index (-1: the rule has no peers, so any) that allowed.
   */
  public record Match(ObjectKey policy, int ruleIndex, int peerIndex) {}

  /**
   * One side of a flow. {@code quarantined}: the pod's object was too large to publish, so it is
   * isolated in this direction by fenceline itself and nothing allows it (fail closed).
   */
  public record Side(
      boolean isolated,
      List<ObjectKey> isolatingPolicies,
      Match match,
      boolean quarantined,
      TierMatch admin,
      TierMatch baseline) {
    public Side(boolean isolated, List<ObjectKey> isolatingPolicies, Match match) {
      this(isolated, isolatingPolicies, match, false, null, null);
    }

    public Side(
        boolean isolated, List<ObjectKey> isolatingPolicies, Match match, boolean quarantined) {
      this(isolated, isolatingPolicies, match, quarantined, null, null);
    }

    /**
     * Admin tier first (Accept allows, Deny denies), then NetworkPolicy isolation (final), then the
     * Baseline tier (Deny denies), then allow.
     */
    public boolean allows() {
      if (quarantined) {
        return false;
      }
      if (admin != null && admin.action() != TierAction.PASS) {
        return admin.action() == TierAction.ACCEPT;
      }
      if (isolated) {
        return match != null;
      }
      return baseline == null || baseline.action() != TierAction.DENY;
    }

    /** The tier rule that decided this side, or null (a NetworkPolicy or the default decided). */
    public TierMatch decidingTier() {
      if (quarantined) {
        return null;
      }
      if (admin != null && admin.action() != TierAction.PASS) {
        return admin;
      }
      if (isolated) {
        return null;
      }
      return baseline != null && baseline.action() != TierAction.PASS ? baseline : null;
    }
  }

  public record Explanation(
      boolean allowed,
      Endpoint src,
      Endpoint dst,
      Protocol protocol,
      int port,
      Side egress,
      Side ingress) {}

  public FlowExplainer(State state) {
    this.state = state;
    this.namespaces = state.namespaces();
    this.pods = state.pods();
    this.policies = state.policies();
    this.tiers = new TierExplainer(this, state);
  }

  /** Explains against a list of objects (a manifest's, say). */
  public FlowExplainer(Collection<? extends ClusterObject> objects) {
    this(listState(objects));
  }

  private static State listState(Collection<? extends ClusterObject> objects) {
    Map<String, Namespace> namespaces = new TreeMap<>();
    Map<ObjectKey, Pod> pods = new TreeMap<>();
    NavigableMap<ObjectKey, NetworkPolicy> policies = new TreeMap<>();
    List<ClusterNetworkPolicy> clusterPolicies = new ArrayList<>();
    Map<String, Node> nodes = new TreeMap<>();
    for (ClusterObject o : objects) {
      if (o instanceof Namespace n) {
        namespaces.put(n.name(), n);
      } else if (o instanceof Pod p) {
        pods.put(p.key(), p);
      } else if (o instanceof NetworkPolicy p) {
        policies.put(p.key(), p);
      } else if (o instanceof ClusterNetworkPolicy c) {
        clusterPolicies.add(c);
      } else if (o instanceof Node n) {
        nodes.put(n.name(), n);
      }
    }
    return new State() {
      @Override
      public Map<String, Namespace> namespaces() {
        return namespaces;
      }

      @Override
      public Map<ObjectKey, Pod> pods() {
        return pods;
      }

      @Override
      public NavigableMap<ObjectKey, NetworkPolicy> policies() {
        return policies;
      }

      @Override
      public Collection<ClusterNetworkPolicy> clusterPolicies() {
        return clusterPolicies;
      }

      @Override
      public Map<String, Node> nodes() {
        return nodes;
      }

      @Override
      public ObjectKey holderOf(IpAddress ip) {
        for (Pod p : pods.values()) {
          if (p.isPeerCandidate() && p.ips().contains(ip)) {
            return p.key();
          }
        }
        return null;
      }
    };
  }

  /** Resolves {@code namespace/pod} or an IP (to the pod holding it, else external). */
  public Endpoint endpoint(String text, int family) {
    if (text.contains("/") && !text.contains(":") && !Character.isDigit(text.charAt(0))) {
      ObjectKey key = ObjectKey.parse(text);
      Pod p = pods.get(key);
      if (p == null) {
        throw new IllegalArgumentException("no pod " + text);
      }
      IpAddress ip =
          p.ips().stream()
              .filter(a -> a.family() == family)
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "pod " + text + " has no IPv" + family + " address"));
      return new Endpoint(ip, key);
    }
    IpAddress ip = IpAddress.parse(text);
    return new Endpoint(ip, state.holderOf(ip));
  }

  /** The policies of the pod's namespace that select it and isolate it in direction {@code d}. */
  public List<ObjectKey> isolating(Pod pod, Direction d) {
    List<ObjectKey> out = new ArrayList<>();
    for (NetworkPolicy p : namespacePolicies(pod.namespace())) {
      if (p.isolates(d) && Selectors.matches(p.podSelector(), pod.labels())) {
        out.add(p.key());
      }
    }
    return out;
  }

  private Collection<NetworkPolicy> namespacePolicies(String namespace) {
    return policies
        .subMap(new ObjectKey(namespace, ""), true, new ObjectKey(namespace + "\0", ""), false)
        .values();
  }

  public Explanation explain(Endpoint src, Endpoint dst, Protocol protocol, int port) {
    Side egress = side(Direction.EGRESS, src, dst, protocol, port);
    Side ingress = side(Direction.INGRESS, dst, src, protocol, port);
    return new Explanation(
        egress.allows() && ingress.allows(), src, dst, protocol, port, egress, ingress);
  }

  private Side side(Direction d, Endpoint subject, Endpoint peer, Protocol protocol, int port) {
    Pod pod = subject.pod() == null ? null : pods.get(subject.pod());
    if (pod == null || pod.hostNetwork()) {
      return new Side(false, List.of(), null);
    }
    if (pod.quarantined()) {
      return new Side(true, List.of(), null, true);
    }
    List<ObjectKey> isolating = new ArrayList<>();
    Match match = null;
    Endpoint dst = d == Direction.EGRESS ? peer : subject;
    for (NetworkPolicy p : namespacePolicies(pod.namespace())) {
      if (!p.isolates(d) || !Selectors.matches(p.podSelector(), pod.labels())) {
        continue;
      }
      isolating.add(p.key());
      if (match != null) {
        continue;
      }
      List<PolicyRule> rules = p.rules(d);
      for (int r = 0; r < rules.size() && match == null; r++) {
        PolicyRule rule = rules.get(r);
        if (!portMatches(rule, dst, protocol, port)) {
          continue;
        }
        if (rule.peers().isEmpty()) {
          match = new Match(p.key(), r, -1);
        }
        for (int i = 0; i < rule.peers().size() && match == null; i++) {
          if (peerMatches(p, rule.peers().get(i), peer)) {
            match = new Match(p.key(), r, i);
          }
        }
      }
    }
    return new Side(
        !isolating.isEmpty(),
        isolating,
        match,
        false,
        tiers.first(Tier.ADMIN, d, pod, peer, dst, protocol, port),
        tiers.first(Tier.BASELINE, d, pod, peer, dst, protocol, port));
  }

  /**
   * Whether {@code peer} of a rule of policy {@code p} (null: a cluster policy) matches {@code e}.
   */
  boolean peerMatches(NetworkPolicy p, PolicyPeer peer, Endpoint e) {
    if (peer instanceof PolicyPeer.IpBlock b) {
      return contains(b.cidr(), e.ip()) && b.except().stream().noneMatch(x -> contains(x, e.ip()));
    }
    if (peer instanceof PolicyPeer.Nodes n) {
      return state.nodes().values().stream()
          .anyMatch(
              node ->
                  node.addresses().contains(e.ip())
                      && Selectors.matches(n.nodeSelector(), node.labels()));
    }
    PolicyPeer.Selector s = (PolicyPeer.Selector) peer;
    Pod pod = e.pod() == null ? null : pods.get(e.pod());
    if (pod == null || !pod.isPeerCandidate() || pod.quarantined()) {
      return false;
    }
    boolean nsOk =
        s.namespaceSelector() == null
            ? p != null && pod.namespace().equals(p.namespace())
            : Selectors.matches(
                s.namespaceSelector(),
                namespaces
                    .getOrDefault(pod.namespace(), Namespace.of(pod.namespace(), Map.of()))
                    .labels());
    return nsOk && (s.podSelector() == null || Selectors.matches(s.podSelector(), pod.labels()));
  }

  private boolean portMatches(PolicyRule rule, Endpoint dst, Protocol protocol, int port) {
    return portMatches(rule.ports(), dst, protocol, port);
  }

  /** Whether one of {@code ports} (empty: all) matches; a named port without protocol: any. */
  boolean portMatches(List<PolicyPort> ports, Endpoint dst, Protocol protocol, int port) {
    if (ports.isEmpty()) {
      return true;
    }
    Pod dstPod = dst.pod() == null ? null : pods.get(dst.pod());
    for (PolicyPort pp : ports) {
      if (pp.protocol() != null && pp.protocol() != protocol) {
        continue;
      }
      if (pp.isNamed()) {
        if (dstPod != null && !dstPod.hostNetwork()) {
          for (ContainerPort cp : dstPod.ports()) {
            if (pp.name().equals(cp.name()) && cp.protocol() == protocol && cp.port() == port) {
              return true;
            }
          }
        }
      } else if (pp.port() == null
          || (port >= pp.port() && port <= (pp.endPort() == null ? pp.port() : pp.endPort()))) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(IpPrefix prefix, IpAddress ip) {
    return prefix.contains(ip);
  }
}
