package io.fenceline.core.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.facts.FactChange;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.ContainerPort;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.LabelSelector;
import io.fenceline.core.model.Namespace;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.PodPhase;
import io.fenceline.core.model.PolicyPeer;
import io.fenceline.core.model.PolicyPort;
import io.fenceline.core.model.PolicyRule;
import io.fenceline.core.model.Protocol;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The work and output of one change are proportional to what it changes, not to the cluster: the
 * same change costs the same in a cluster of 10 namespaces and in one of 100 (deterministic
 * counters, no clocks).
 */
class IncrementalWorkTest {
  private static final int PODS_PER_NS = 20;
  private static final int POLICIES_PER_NS = 3;

  /** A cluster of {@code namespaces} namespaces, each with pods and policies of the same shape. */
  private static PolicyCompiler cluster(int namespaces) {
    PolicyCompiler c = new PolicyCompiler();
    for (int n = 0; n < namespaces; n++) {
      String ns = "ns" + n;
      c.apply(ClusterChange.upsert(Namespace.of(ns, Map.of("team", "t" + (n % 5)))));
      for (int p = 0; p < PODS_PER_NS; p++) {
        c.apply(ClusterChange.upsert(pod(ns, "p" + p, Map.of("app", "a" + (p % 4)), n, p)));
      }
      for (int k = 0; k < POLICIES_PER_NS; k++) {
        c.apply(
            ClusterChange.upsert(
                policy(ns, "pol" + k, "a" + k, "a" + ((k + 1) % 4), "t" + (n % 5))));
      }
    }
    return c;
  }

  static Pod pod(String ns, String name, Map<String, String> labels, int n, int p) {
    return Pod.of(
        ObjectKey.of(ns, name),
        labels,
        List.of(IpAddress.parse("10." + (n / 200) + "." + (n % 200) + "." + (p + 1))),
        "node-" + (p % 7),
        PodPhase.RUNNING,
        false,
        List.of(new ContainerPort("http", 8080, Protocol.TCP)));
  }

  /** Targets app=target; allows from app=peer in its namespace and from namespaces team=team. */
  static NetworkPolicy policy(String ns, String name, String target, String peer, String team) {
    PolicyRule rule =
        new PolicyRule(
            List.of(
                new PolicyPeer.Selector(null, LabelSelector.matchLabels(Map.of("app", peer))),
                new PolicyPeer.Selector(LabelSelector.matchLabels(Map.of("team", team)), null)),
            List.of(PolicyPort.named(Protocol.TCP, "http")));
    return new NetworkPolicy(
        ObjectKey.of(ns, name),
        LabelSelector.matchLabels(Map.of("app", target)),
        EnumSet.of(Direction.INGRESS),
        List.of(rule),
        List.of(),
        false);
  }

  private static WorkCounters cost(PolicyCompiler c, ClusterChange change, List<FactChange> sink) {
    WorkCounters before = c.counters();
    sink.addAll(c.apply(change));
    return c.counters().minus(before);
  }

  @ParameterizedTest(name = "pod relabel in a cluster of {0} namespaces")
  @ValueSource(ints = {10, 100})
  void podRelabelCostsTheSameInAnyClusterSize(int namespaces) {
    PolicyCompiler c = cluster(namespaces);
    List<FactChange> out = new ArrayList<>();
    WorkCounters w =
        cost(c, ClusterChange.upsert(pod("ns3", "p1", Map.of("app", "a2"), 3, 1)), out);
    System.out.printf(
        "work of a pod relabel, %d namespaces x %d pods: %s, %d fact changes%n",
        namespaces, PODS_PER_NS, w, out.size());
    // Target side: the policies of ns3. Peer side: the pod sets in scope of ns3 (its own
    // namespace's sets, plus the namespace-selector sets matching ns3's team).
    assertThat(w.selectorEvaluations())
        .isLessThanOrEqualTo(POLICIES_PER_NS + 2L * (POLICIES_PER_NS + 5));
    assertThat(w.podsVisited()).isZero();
    assertThat(out).isNotEmpty();
    assertThat(w).isEqualTo(RELABEL.computeIfAbsent("pod", k -> w));
  }

  @ParameterizedTest(name = "namespace relabel in a cluster of {0} namespaces")
  @ValueSource(ints = {10, 100})
  void namespaceRelabelCostsTheSameInAnyClusterSize(int namespaces) {
    PolicyCompiler c = cluster(namespaces);
    List<FactChange> out = new ArrayList<>();
    WorkCounters w = cost(c, ClusterChange.upsert(Namespace.of("ns3", Map.of("team", "t4"))), out);
    System.out.printf(
        "work of a namespace relabel, %d namespaces x %d pods: %s, %d fact changes%n",
        namespaces, PODS_PER_NS, w, out.size());
    // Only the namespace-selector sets (one per distinct team selector: 5) are evaluated, and
    // only ns3's pods are walked for the sets whose match flipped (t3 out, t4 in).
    assertThat(w.selectorEvaluations()).isLessThanOrEqualTo(5 + 2L * PODS_PER_NS);
    assertThat(w.podsVisited()).isEqualTo(2L * PODS_PER_NS);
    assertThat(out).isNotEmpty();
    assertThat(w).isEqualTo(RELABEL.computeIfAbsent("namespace", k -> w));
  }

  @ParameterizedTest(name = "policy edit in a cluster of {0} namespaces")
  @ValueSource(ints = {10, 100})
  void policyEditCostsWhatItsNamespaceHolds(int namespaces) {
    PolicyCompiler c = cluster(namespaces);
    List<FactChange> out = new ArrayList<>();
    WorkCounters w = cost(c, ClusterChange.upsert(policy("ns3", "pol0", "a1", "a3", "t1")), out);
    System.out.printf(
        "work of a policy edit, %d namespaces x %d pods: %s, %d fact changes%n",
        namespaces, PODS_PER_NS, w, out.size());
    // Its namespace's pods are evaluated for the new podSelector; new peer sets are populated
    // from the namespaces they look at: ns3 for the pod selector, the t1 namespaces for the other.
    assertThat(w.podsVisited())
        .isLessThanOrEqualTo(PODS_PER_NS + PODS_PER_NS * (namespaces / 5 + 1L));
    assertThat(out).isNotEmpty();
  }

  @Test
  void podRelabelOutputIsOnlyTheMembershipsAndBindingsItChanges() {
    PolicyCompiler c = cluster(10);
    List<FactChange> out = new ArrayList<>();
    cost(c, ClusterChange.upsert(pod("ns3", "p1", Map.of("app", "a2"), 3, 1)), out);
    // p1 was app=a1: it leaves the a1 peer set and enters the a2 one (named-port sets: one entry
    // each), stops being a target of pol1 and becomes a target of pol2.
    assertThat(out).hasSizeLessThanOrEqualTo(4);
    assertThat(out)
        .allMatch(
            f -> f.key().text().contains("10.0.3.2") || f.key().text().contains("ns3/p1"),
            "only p1 facts");
  }

  @Test
  void deletingEverythingLeavesNoFacts() {
    PolicyCompiler c = new PolicyCompiler();
    io.fenceline.core.facts.FactTable t = new io.fenceline.core.facts.FactTable();
    List<ClusterChange> deletes = new ArrayList<>();
    for (int n = 0; n < 3; n++) {
      String ns = "ns" + n;
      t.apply(c.apply(ClusterChange.upsert(Namespace.of(ns, Map.of("team", "t" + n)))));
      deletes.add(ClusterChange.delete(Kind.NAMESPACE, new ObjectKey("", ns)));
      for (int p = 0; p < 5; p++) {
        t.apply(
            c.apply(ClusterChange.upsert(pod(ns, "p" + p, Map.of("app", "a" + (p % 4)), n, p))));
        deletes.add(ClusterChange.delete(Kind.POD, ObjectKey.of(ns, "p" + p)));
      }
      for (int k = 0; k < 3; k++) {
        t.apply(
            c.apply(
                ClusterChange.upsert(
                    policy(ns, "pol" + k, "a" + k, "a" + ((k + 1) % 4), "t" + n))));
        deletes.add(ClusterChange.delete(Kind.NETWORK_POLICY, ObjectKey.of(ns, "pol" + k)));
      }
    }
    assertThat(t.bindingCount()).isPositive();
    for (ClusterChange d : deletes) {
      t.apply(c.apply(d));
    }
    assertThat(t.bindingCount()).isZero();
    assertThat(t.chainCount()).isZero();
    assertThat(t.memberCount()).isZero();
  }

  private static final Map<String, WorkCounters> RELABEL =
      new java.util.concurrent.ConcurrentHashMap<>();
}
