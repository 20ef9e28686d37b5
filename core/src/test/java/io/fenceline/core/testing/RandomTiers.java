package io.fenceline.core.testing;

import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.LabelSelector;
import io.fenceline.core.model.PolicyPeer;
import io.fenceline.core.model.PolicyPort;
import io.fenceline.core.model.Tier;
import io.fenceline.core.model.TierAction;
import io.fenceline.core.model.TierRule;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Random ClusterNetworkPolicies over {@link RandomClusters}' vocabulary: both tiers, priorities
 * from a small range (so equal priorities happen), subjects by namespace or namespace and pod,
 * rules of every action with pod, namespace, network and (egress) nodes peers, peers that fail
 * closed, and numeric, range and named ports.
 */
public final class RandomTiers {
  private RandomTiers() {}

  record Spec(
      Tier tier,
      int priority,
      LabelSelector subjectNamespaces,
      LabelSelector subjectPods,
      List<TierRule> ingress,
      List<TierRule> egress) {}

  /** Up to three policies, named cnp0, cnp1, ... */
  public static Arbitrary<List<ClusterNetworkPolicy>> policies() {
    return Arbitraries.frequencyOf(
            Tuple.of(2, specs().list().ofMaxSize(0)),
            Tuple.of(5, specs().list().ofMinSize(1).ofMaxSize(3)))
        .map(
            specs -> {
              List<ClusterNetworkPolicy> out = new ArrayList<>();
              for (int i = 0; i < specs.size(); i++) {
                Spec s = specs.get(i);
                out.add(
                    new ClusterNetworkPolicy(
                        "cnp" + i,
                        s.tier(),
                        s.priority(),
                        s.subjectNamespaces(),
                        s.subjectPods(),
                        s.ingress(),
                        s.egress(),
                        false));
              }
              return out;
            });
  }

  static Arbitrary<Spec> specs() {
    Arbitrary<LabelSelector> everything = Arbitraries.just(LabelSelector.EVERYTHING);
    return Combinators.combine(
            Arbitraries.of(Tier.class),
            Arbitraries.integers().between(0, 2),
            Arbitraries.oneOf(
                RandomClusters.selectors(RandomClusters.NS_SELECTOR_LABELS), everything),
            Arbitraries.oneOf(RandomClusters.selectors(RandomClusters.POD_LABELS), everything),
            rules(Direction.INGRESS).list().ofMaxSize(3),
            rules(Direction.EGRESS).list().ofMaxSize(3))
        .as(Spec::new)
        .withoutEdgeCases();
  }

  static Arbitrary<TierRule> rules(Direction dir) {
    return Combinators.combine(
            Arbitraries.of("", "r"),
            Arbitraries.of(TierAction.class),
            peers(dir).list().ofMaxSize(2),
            ports().list().ofMaxSize(2),
            Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just(0)), Tuple.of(1, Arbitraries.just(1))))
        .as(
            (name, action, peers, ports, unmatchable) ->
                new TierRule(
                    name,
                    action,
                    peers,
                    // named ports only with pod peers, as the API requires
                    peers.stream().allMatch(p -> p instanceof PolicyPeer.Selector)
                            && unmatchable == 0
                        ? ports
                        : ports.stream().filter(p -> !p.isNamed()).toList(),
                    // a rule needs at least one peer: one that cannot be evaluated if none other
                    peers.isEmpty() ? Math.max(1, unmatchable) : unmatchable))
        .withoutEdgeCases();
  }

  /** Pod, namespace and network peers; in egress also nodes peers. */
  static Arbitrary<PolicyPeer> peers(Direction dir) {
    Arbitrary<PolicyPeer> namespaces =
        RandomClusters.selectors(RandomClusters.NS_SELECTOR_LABELS)
            .map(s -> new PolicyPeer.Selector(s, LabelSelector.EVERYTHING));
    Arbitrary<PolicyPeer> pods =
        Combinators.combine(
                Arbitraries.oneOf(
                    RandomClusters.selectors(RandomClusters.NS_SELECTOR_LABELS),
                    Arbitraries.just(LabelSelector.EVERYTHING)),
                RandomClusters.selectors(RandomClusters.POD_LABELS))
            .as(PolicyPeer.Selector::new);
    Arbitrary<PolicyPeer> network =
        RandomClusters.ipBlocks()
            .map(
                b ->
                    (PolicyPeer)
                        new PolicyPeer.IpBlock(((PolicyPeer.IpBlock) b).cidr(), List.of()));
    Arbitrary<PolicyPeer> nodes =
        Arbitraries.oneOf(
                RandomClusters.selectors(RandomClusters.NODE_LABELS),
                Arbitraries.just(LabelSelector.EVERYTHING))
            .map(PolicyPeer.Nodes::new);
    if (dir == Direction.INGRESS) {
      return Arbitraries.frequencyOf(
          Tuple.of(2, namespaces), Tuple.of(3, pods), Tuple.of(2, network));
    }
    return Arbitraries.frequencyOf(
        Tuple.of(2, namespaces), Tuple.of(3, pods), Tuple.of(2, network), Tuple.of(2, nodes));
  }

  static Arbitrary<PolicyPort> ports() {
    Arbitrary<PolicyPort> named =
        Arbitraries.of("http", "metrics", "nope").map(n -> PolicyPort.named(null, n));
    Arbitrary<PolicyPort> numbered =
        RandomClusters.policyPorts().filter(p -> !p.isNamed() && p.port() != null);
    return Arbitraries.frequencyOf(Tuple.of(3, numbered), Tuple.of(1, named));
  }
}
