package io.fenceline.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.ContainerPort;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A full node (110 pods) under 200 policies, in clusters with few or many peer pods: the rule count
 * is the same, the set members follow the peers. Prints the counts it measured.
 */
class NodeScaleTest {
  private static final int NAMESPACES = 10;

  static List<ClusterChange> cluster(int podsElsewhere) {
    List<ClusterChange> out = new ArrayList<>();
    for (int n = 0; n < NAMESPACES; n++) {
      out.add(ClusterChange.upsert(Namespace.of("ns" + n, Map.of("team", "t" + (n % 3)))));
    }
    List<ContainerPort> ports =
        List.of(
            new ContainerPort("http", 8080, Protocol.TCP),
            new ContainerPort("metrics", 9090, Protocol.TCP));
    for (int i = 0; i < 110; i++) {
      out.add(
          ClusterChange.upsert(
              Pod.of(
                  ObjectKey.of("ns" + (i % NAMESPACES), "local-" + i),
                  Map.of("app", "app" + (i % 20)),
                  List.of(IpAddress.parse("10.0.0." + (i + 2))),
                  "node-0",
                  PodPhase.RUNNING,
                  false,
                  ports)));
    }
    for (int i = 0; i < podsElsewhere; i++) {
      out.add(
          ClusterChange.upsert(
              Pod.of(
                  ObjectKey.of("ns" + (i % NAMESPACES), "remote-" + i),
                  Map.of("app", "app" + (i % 20)),
                  List.of(
                      IpAddress.parse(
                          "10."
                              + (1 + i / 65000)
                              + "."
                              + (i / 250 % 260 % 256)
                              + "."
                              + (i % 250 + 1))),
                  "node-" + (1 + i % 100),
                  PodPhase.RUNNING,
                  false,
                  ports)));
    }
    for (int p = 0; p < 200; p++) {
      String ns = "ns" + (p % NAMESPACES);
      PolicyRule fromApp =
          new PolicyRule(
              List.of(
                  new PolicyPeer.Selector(
                      null, LabelSelector.matchLabels(Map.of("app", "app" + ((p + 1) % 20)))),
                  new PolicyPeer.Selector(
                      LabelSelector.matchLabels(Map.of("team", "t" + (p % 3))),
                      LabelSelector.matchLabels(Map.of("app", "app" + ((p + 2) % 20))))),
              List.of(
                  PolicyPort.named(Protocol.TCP, "http"), PolicyPort.number(Protocol.TCP, 9090)));
      PolicyRule egress =
          new PolicyRule(
              List.of(
                  new PolicyPeer.Selector(
                      LabelSelector.EVERYTHING,
                      LabelSelector.matchLabels(Map.of("app", "app" + ((p + 3) % 20))))),
              List.of(PolicyPort.named(Protocol.TCP, "http")));
      out.add(
          ClusterChange.upsert(
              new NetworkPolicy(
                  ObjectKey.of(ns, "pol-" + p),
                  LabelSelector.matchLabels(Map.of("app", "app" + (p % 20))),
                  EnumSet.of(Direction.INGRESS, Direction.EGRESS),
                  List.of(fromApp),
                  List.of(egress),
                  false)));
    }
    return out;
  }

  @ParameterizedTest(name = "110 local pods, 200 policies, {0} pods on other nodes")
  @ValueSource(ints = {1_000, 20_000})
  void ruleCountDependsOnLocalPodsAndPoliciesOnly(int podsElsewhere) {
    CompiledCluster c = CompiledCluster.fromScratch(cluster(podsElsewhere));
    NodeModel m = c.nodeModel("node-0");
    NodePayload p = c.payload("node-0");
    long rules =
        p.iptablesRestore().lines().filter(l -> l.startsWith("-A ") || l.startsWith("-I ")).count();
    long members = m.sets().values().stream().mapToLong(java.util.Set::size).sum();
    System.out.printf(
        "node-0 with %d pods elsewhere: %d isolated pods, %d policy chains, %d sets, %d set members, %d iptables rules, %d ipset lines%n",
        podsElsewhere,
        m.bindings().size(),
        m.chains().size(),
        m.sets().size(),
        members,
        rules,
        p.ipsetRestore().lines().count());
    assertThat(m.bindings()).hasSize(110);
    assertThat(rules).isEqualTo(RULES.computeIfAbsent("rules", k -> rules));
  }

  private static final Map<String, Long> RULES = new java.util.concurrent.ConcurrentHashMap<>();
}
