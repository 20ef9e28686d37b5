package io.fenceline.core.history;

import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.explain.FlowExplainer;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.facts.SetEntry;
import io.fenceline.core.facts.SetRef;
import io.fenceline.core.model.ContainerPort;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.PolicyPort;
import io.fenceline.core.model.PolicyRule;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.render.KernelNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What changed in the enforced state between two moments of one cluster, and the events
 * responsible: policies added, removed or changed; pods that became isolated or stopped being
 * isolated; set members added or removed; and flows between pods whose verdict flipped. With a
 * node, pods and sets are those of that node. Pure.
 */
public record StateDiff(
    List<PolicyChange> policies,
    List<IsolationChange> isolation,
    List<MemberChange> members,
    List<FlowFlip> flows,
    String flowsSkipped,
    int events) {

  /**
   * A NetworkPolicy ({@code namespace/name}) or a ClusterNetworkPolicy (empty namespace) added,
   * removed or changed.
   */
  public record PolicyChange(
      ObjectKey policy, String change, String rvBefore, String rvAfter, List<EventRef> events) {
    /** {@code namespace/name}, or {@code ClusterNetworkPolicy name}. */
    public String label() {
      return policy.namespace().isEmpty()
          ? Kind.CLUSTER_NETWORK_POLICY.apiName() + " " + policy.name()
          : policy.toString();
    }
  }

  public record IsolationChange(
      ObjectKey pod,
      Direction direction,
      boolean before,
      boolean after,
      List<ObjectKey> policiesBefore,
      List<ObjectKey> policiesAfter,
      List<EventRef> events) {}

  public record MemberChange(
      String set, String definition, String member, boolean added, List<EventRef> events) {}

  public record FlowFlip(
      ObjectKey src,
      ObjectKey dst,
      int port,
      Protocol protocol,
      boolean before,
      boolean after,
      List<EventRef> events) {}

  /**
   * @param between every record folded in after {@code before} up to {@code after}, with the
   *     objects each changed (from {@link ClusterState#apply})
   * @param maxFlowPods flows are compared between at most this many pods (pairs × ports grow fast)
   */
  public static StateDiff between(
      ClusterState before,
      ClusterState after,
      List<Applied> between,
      String node,
      int maxFlowPods) {
    Responsibility blame = new Responsibility(between);
    List<PolicyChange> policies = policyChanges(before, after, blame);
    List<IsolationChange> isolation = isolationChanges(before, after, node, blame);
    List<MemberChange> members = memberChanges(before, after, node, blame);
    List<ObjectKey> pods = flowPods(before, after);
    List<FlowFlip> flows = List.of();
    String skipped = null;
    if (pods.size() > maxFlowPods) {
      skipped =
          pods.size()
              + " pods exceed the flow comparison limit of "
              + maxFlowPods
              + " (narrow with --node or raise --max-flow-pods)";
    } else {
      flows = flowFlips(before, after, pods, node, blame);
    }
    int events = (int) between.stream().filter(a -> a.record().rejected() == null).count();
    return new StateDiff(policies, isolation, members, flows, skipped, events);
  }

  /** A record folded in and the objects it changed. */
  public record Applied(LogEvent record, List<ObjectRef> changed) {}

  public boolean isEmpty() {
    return policies.isEmpty() && isolation.isEmpty() && members.isEmpty() && flows.isEmpty();
  }

  private static List<PolicyChange> policyChanges(
      ClusterState a, ClusterState b, Responsibility blame) {
    Set<ObjectKey> keys = new TreeSet<>(a.policies().keySet());
    keys.addAll(b.policies().keySet());
    List<PolicyChange> out = new ArrayList<>();
    for (ObjectKey k : keys) {
      NetworkPolicy pa = a.policies().get(k);
      NetworkPolicy pb = b.policies().get(k);
      String change =
          pa == null ? "added" : pb == null ? "removed" : pa.equals(pb) ? null : "changed";
      if (change != null) {
        out.add(
            new PolicyChange(
                k,
                change,
                a.resourceVersion(Kind.NETWORK_POLICY, k),
                b.resourceVersion(Kind.NETWORK_POLICY, k),
                blame.of(List.of(new ObjectRef(Kind.NETWORK_POLICY, k)))));
      }
    }
    Set<String> names = new TreeSet<>();
    a.clusterPolicies().forEach(c -> names.add(c.name()));
    b.clusterPolicies().forEach(c -> names.add(c.name()));
    for (String name : names) {
      ObjectKey k = new ObjectKey("", name);
      ClusterState.Entry ea = a.entry(new ObjectRef(Kind.CLUSTER_NETWORK_POLICY, k));
      ClusterState.Entry eb = b.entry(new ObjectRef(Kind.CLUSTER_NETWORK_POLICY, k));
      Object ca = ea == null ? null : ea.object();
      Object cb = eb == null ? null : eb.object();
      String change =
          ca == null ? "added" : cb == null ? "removed" : ca.equals(cb) ? null : "changed";
      if (change != null) {
        out.add(
            new PolicyChange(
                k,
                change,
                a.resourceVersion(Kind.CLUSTER_NETWORK_POLICY, k),
                b.resourceVersion(Kind.CLUSTER_NETWORK_POLICY, k),
                blame.of(List.of(new ObjectRef(Kind.CLUSTER_NETWORK_POLICY, k)))));
      }
    }
    return out;
  }

  private static List<IsolationChange> isolationChanges(
      ClusterState a, ClusterState b, String node, Responsibility blame) {
    FlowExplainer xa = new FlowExplainer(a);
    FlowExplainer xb = new FlowExplainer(b);
    List<IsolationChange> out = new ArrayList<>();
    for (Map.Entry<ObjectKey, Pod> e : new TreeMap<>(a.pods()).entrySet()) {
      Pod pa = e.getValue();
      Pod pb = b.pods().get(e.getKey());
      if (pb == null || pa.hostNetwork() || pb.hostNetwork() || !onNode(pa, pb, node)) {
        continue;
      }
      for (Direction d : Direction.values()) {
        List<ObjectKey> ia = xa.isolating(pa, d);
        List<ObjectKey> ib = xb.isolating(pb, d);
        if (ia.isEmpty() != ib.isEmpty()) {
          List<ObjectRef> refs = new ArrayList<>();
          refs.add(new ObjectRef(Kind.POD, pa.key()));
          new TreeSet<>(concat(ia, ib))
              .forEach(p -> refs.add(new ObjectRef(Kind.NETWORK_POLICY, p)));
          out.add(
              new IsolationChange(
                  pa.key(), d, !ia.isEmpty(), !ib.isEmpty(), ia, ib, blame.of(refs)));
        }
      }
    }
    return out;
  }

  private static List<MemberChange> memberChanges(
      ClusterState a, ClusterState b, String node, Responsibility blame) {
    Map<SetRef, SortedSet<SetEntry>> sa = sets(CompiledCluster.fromScratch(a.upserts()), node);
    Map<SetRef, SortedSet<SetEntry>> sb = sets(CompiledCluster.fromScratch(b.upserts()), node);
    Set<SetRef> refs = new TreeSet<>(sa.keySet());
    refs.addAll(sb.keySet());
    List<MemberChange> out = new ArrayList<>();
    for (SetRef ref : refs) {
      SortedSet<SetEntry> ma = sa.getOrDefault(ref, new TreeSet<>());
      SortedSet<SetEntry> mb = sb.getOrDefault(ref, new TreeSet<>());
      for (SetEntry x : mb) {
        if (!ma.contains(x)) {
          out.add(
              new MemberChange(
                  setName(ref, x),
                  ref.definition(),
                  x.ipsetText(),
                  true,
                  blame.ofAddress(a, b, x)));
        }
      }
      for (SetEntry x : ma) {
        if (!mb.contains(x)) {
          out.add(
              new MemberChange(
                  setName(ref, x),
                  ref.definition(),
                  x.ipsetText(),
                  false,
                  blame.ofAddress(a, b, x)));
        }
      }
    }
    return out;
  }

  private static String setName(SetRef ref, SetEntry x) {
    return KernelNames.set(ref, x.family());
  }

  private static Map<SetRef, SortedSet<SetEntry>> sets(CompiledCluster c, String node) {
    Map<SetRef, SortedSet<SetEntry>> out = new TreeMap<>();
    Collection<String> nodes = node == null ? c.facts().nodesWithBindings() : List.of(node);
    for (String n : nodes) {
      NodeModel m = c.nodeModel(n);
      m.sets().forEach(out::putIfAbsent);
    }
    return out;
  }

  private static List<ObjectKey> flowPods(ClusterState a, ClusterState b) {
    Set<ObjectKey> keys = new TreeSet<>();
    for (ClusterState s : List.of(a, b)) {
      for (Pod p : s.pods().values()) {
        if (p.isPeerCandidate()) {
          keys.add(p.key());
        }
      }
    }
    return new ArrayList<>(keys);
  }

  private static List<FlowFlip> flowFlips(
      ClusterState a, ClusterState b, List<ObjectKey> pods, String node, Responsibility blame) {
    Set<PortProbe> ports = ports(a, b);
    FlowExplainer xa = new FlowExplainer(a);
    FlowExplainer xb = new FlowExplainer(b);
    List<FlowFlip> out = new ArrayList<>();
    for (ObjectKey s : pods) {
      for (ObjectKey d : pods) {
        if (s.equals(d) || node != null && !touches(a, s, d, node) && !touches(b, s, d, node)) {
          continue;
        }
        FlowExplainer.Endpoint[] ea = ends(a, xa, s, d);
        FlowExplainer.Endpoint[] eb = ends(b, xb, s, d);
        if (ea == null || eb == null) {
          continue; // the flow exists at one moment only: not a flip
        }
        for (PortProbe p : ports) {
          boolean va = xa.explain(ea[0], ea[1], p.protocol(), p.port()).allowed();
          boolean vb = xb.explain(eb[0], eb[1], p.protocol(), p.port()).allowed();
          if (va != vb) {
            out.add(new FlowFlip(s, d, p.port(), p.protocol(), va, vb, blame.ofFlow(a, b, s, d)));
          }
        }
      }
    }
    return out;
  }

  private static FlowExplainer.Endpoint[] ends(
      ClusterState st, FlowExplainer x, ObjectKey s, ObjectKey d) {
    Pod ps = st.pods().get(s);
    Pod pd = st.pods().get(d);
    if (ps == null || pd == null || !ps.isPeerCandidate() || !pd.isPeerCandidate()) {
      return null;
    }
    for (int family : new int[] {4, 6}) {
      boolean both =
          ps.ips().stream().anyMatch(i -> i.family() == family)
              && pd.ips().stream().anyMatch(i -> i.family() == family);
      if (both) {
        return new FlowExplainer.Endpoint[] {
          x.endpoint(s.toString(), family), x.endpoint(d.toString(), family)
        };
      }
    }
    return null;
  }

  /**
   * A port a flow is tried on: every port a policy or a container names, and one port nobody names.
   */
  record PortProbe(int port, Protocol protocol) implements Comparable<PortProbe> {
    @Override
    public int compareTo(PortProbe o) {
      int c = protocol.compareTo(o.protocol);
      return c != 0 ? c : Integer.compare(port, o.port);
    }
  }

  static Set<PortProbe> ports(ClusterState a, ClusterState b) {
    TreeSet<PortProbe> out = new TreeSet<>();
    for (ClusterState s : List.of(a, b)) {
      for (NetworkPolicy p : s.policies().values()) {
        for (Direction d : Direction.values()) {
          for (PolicyRule r : p.rules(d)) {
            for (PolicyPort pp : r.ports()) {
              if (!pp.isNamed() && pp.port() != null) {
                out.add(new PortProbe(pp.port(), pp.protocol()));
                if (pp.endPort() != null) {
                  out.add(new PortProbe(pp.endPort(), pp.protocol()));
                }
              }
            }
          }
        }
      }
      for (Pod p : s.pods().values()) {
        for (ContainerPort cp : p.ports()) {
          out.add(new PortProbe(cp.port(), cp.protocol()));
        }
      }
    }
    int other = 1;
    while (out.contains(new PortProbe(other, Protocol.TCP))) {
      other++;
    }
    out.add(new PortProbe(other, Protocol.TCP));
    return out;
  }

  private static boolean touches(ClusterState st, ObjectKey s, ObjectKey d, String node) {
    Pod ps = st.pods().get(s);
    Pod pd = st.pods().get(d);
    return ps != null && node.equals(ps.nodeName()) || pd != null && node.equals(pd.nodeName());
  }

  private static boolean onNode(Pod a, Pod b, String node) {
    return node == null || node.equals(a.nodeName()) || node.equals(b.nodeName());
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** Which events between the two moments changed which objects. */
  private static final class Responsibility {
    private final Map<ObjectRef, List<EventRef>> byObject = new HashMap<>();

    Responsibility(List<Applied> between) {
      for (Applied x : between) {
        for (ObjectRef r : x.changed()) {
          byObject.computeIfAbsent(r, k -> new ArrayList<>()).add(EventRef.of(x));
        }
      }
    }

    List<EventRef> of(Collection<ObjectRef> refs) {
      Set<EventRef> out = new LinkedHashSet<>();
      for (ObjectRef r : refs) {
        out.addAll(byObject.getOrDefault(r, List.of()));
      }
      return sorted(out);
    }

    /** Events on the pods holding the member's address at either moment. */
    List<EventRef> ofAddress(ClusterState a, ClusterState b, SetEntry x) {
      List<ObjectRef> refs = new ArrayList<>();
      boolean host = x.prefix().length() == x.prefix().address().bitLength();
      if (host) {
        for (ClusterState s : List.of(a, b)) {
          ObjectKey holder = s.holderOf(x.prefix().address());
          if (holder != null) {
            refs.add(new ObjectRef(Kind.POD, holder));
          }
        }
      }
      byObject.keySet().stream().filter(r -> r.kind() == Kind.NETWORK_POLICY).forEach(refs::add);
      return host ? of(refs.stream().filter(r -> r.kind() == Kind.POD).toList()) : of(refs);
    }

    /** Events on the two pods, their namespaces, and the policies of their namespaces. */
    List<EventRef> ofFlow(ClusterState a, ClusterState b, ObjectKey s, ObjectKey d) {
      Set<ObjectRef> refs = new LinkedHashSet<>();
      refs.add(new ObjectRef(Kind.POD, s));
      refs.add(new ObjectRef(Kind.POD, d));
      for (ObjectKey p : List.of(s, d)) {
        refs.add(new ObjectRef(Kind.NAMESPACE, new ObjectKey("", p.namespace())));
      }
      for (ObjectRef r : byObject.keySet()) {
        if (r.kind() == Kind.NETWORK_POLICY
            && (r.key().namespace().equals(s.namespace())
                || r.key().namespace().equals(d.namespace()))) {
          refs.add(r);
        }
        if (r.kind() == Kind.NAMESPACE) {
          refs.add(r); // a namespace relabel can move peers in or out of a namespaceSelector
        }
      }
      return of(refs);
    }

    private static List<EventRef> sorted(Set<EventRef> refs) {
      List<EventRef> out = new ArrayList<>(refs);
      out.sort((x, y) -> Long.compare(x.offset(), y.offset()));
      return out;
    }
  }
}
