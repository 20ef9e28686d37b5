package io.fenceline.core.testing;

import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Namespace;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.Node;
import io.fenceline.core.model.Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/** A whole cluster as plain model objects, e.g. as a generator or a test builds it. */
public record ClusterState(
    List<Namespace> namespaces,
    List<Pod> pods,
    List<NetworkPolicy> policies,
    List<ClusterNetworkPolicy> clusterPolicies,
    List<Node> nodeObjects) {
  public ClusterState {
    namespaces = List.copyOf(namespaces);
    pods = List.copyOf(pods);
    policies = List.copyOf(policies);
    clusterPolicies = List.copyOf(clusterPolicies);
    nodeObjects = List.copyOf(nodeObjects);
  }

  public ClusterState(List<Namespace> namespaces, List<Pod> pods, List<NetworkPolicy> policies) {
    this(namespaces, pods, policies, List.of(), List.of());
  }

  public static ClusterState of(ClusterObject... objects) {
    List<Namespace> ns = new ArrayList<>();
    List<Pod> ps = new ArrayList<>();
    List<NetworkPolicy> np = new ArrayList<>();
    List<ClusterNetworkPolicy> cnp = new ArrayList<>();
    List<Node> nodes = new ArrayList<>();
    for (ClusterObject o : objects) {
      if (o instanceof Namespace n) {
        ns.add(n);
      } else if (o instanceof Pod p) {
        ps.add(p);
      } else if (o instanceof NetworkPolicy p) {
        np.add(p);
      } else if (o instanceof ClusterNetworkPolicy c) {
        cnp.add(c);
      } else if (o instanceof Node n) {
        nodes.add(n);
      } else {
        throw new IllegalArgumentException("not supported here: " + o.kind());
      }
    }
    return new ClusterState(ns, ps, np, cnp, nodes);
  }

  /**
   * Every object: nodes, namespaces, then pods, then policies, then cluster network policies, each
   * sorted by key.
   */
  public List<ClusterObject> objects() {
    List<ClusterObject> out = new ArrayList<>();
    nodeObjects.stream().sorted(Comparator.comparing(Node::name)).forEach(out::add);
    namespaces.stream().sorted(Comparator.comparing(Namespace::name)).forEach(out::add);
    pods.stream().sorted(Comparator.comparing(Pod::key)).forEach(out::add);
    policies.stream().sorted(Comparator.comparing(NetworkPolicy::key)).forEach(out::add);
    clusterPolicies.stream()
        .sorted(Comparator.comparing(ClusterNetworkPolicy::name))
        .forEach(out::add);
    return out;
  }

  /**
   * The upserts that build this state from nothing, in the canonical order of {@link #objects()}.
   */
  public List<ClusterChange> upserts() {
    return ClusterFixtures.upserts(objects());
  }

  /** The nodes pods run on, and the node objects. */
  public SortedSet<String> nodes() {
    SortedSet<String> out = new TreeSet<>();
    nodeObjects.forEach(n -> out.add(n.name()));
    for (Pod p : pods) {
      if (p.nodeName() != null && !p.nodeName().isEmpty()) {
        out.add(p.nodeName());
      }
    }
    return out;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ClusterState:\n");
    for (ClusterObject o : objects()) {
      sb.append("  ").append(o).append('\n');
    }
    return sb.toString();
  }
}
