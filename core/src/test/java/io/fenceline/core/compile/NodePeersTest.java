package io.fenceline.core.compile;

import static io.fenceline.core.model.Protocol.TCP;
import static io.fenceline.core.testing.ClusterFixtures.ip;
import static io.fenceline.core.testing.ClusterFixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.SetKind;
import io.fenceline.core.facts.SetMemberFact;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.LabelSelector;
import io.fenceline.core.model.Node;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.PolicyPeer;
import io.fenceline.core.model.Tier;
import io.fenceline.core.model.TierAction;
import io.fenceline.core.model.TierRule;
import io.fenceline.core.reference.Flow;
import io.fenceline.core.reference.NodeModelInterpreter;
import io.fenceline.core.reference.ReferenceModel;
import io.fenceline.core.testing.ClusterFixtures;
import io.fenceline.core.testing.FactFold;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A ClusterNetworkPolicy {@code nodes} peer is a set of the addresses of the nodes its selector
 * matches; node changes (labels, addresses, deletion, a node that arrives after the policy) move
 * addresses in and out of that set, and the result equals a from-scratch compile and the reference
 * model.
 */
class NodePeersTest {
  private final Pod client = pod("x", "client").ip("10.244.1.10").on("node-1").build();
  private final Pod hostAgent =
      pod("kube-system", "agent").ip("10.99.0.12").on("node-2").hostNetwork().build();

  /** Admin: deny egress to linux nodes on 22; Baseline: deny egress to every node. */
  private final ClusterNetworkPolicy admin =
      cnp(
          "no-ssh-to-nodes",
          Tier.ADMIN,
          new TierRule(
              "ssh",
              TierAction.DENY,
              List.of(nodes(Map.of("kubernetes.io/os", "linux"))),
              List.of(io.fenceline.core.model.PolicyPort.number(TCP, 22)),
              0));

  private final ClusterNetworkPolicy baseline =
      cnp(
          "nodes-closed",
          Tier.BASELINE,
          new TierRule(
              "",
              TierAction.DENY,
              List.of(nodes(Map.of("zone", "a"))),
              List.of(io.fenceline.core.model.PolicyPort.number(TCP, 80)),
              0));

  private static PolicyPeer nodes(Map<String, String> labels) {
    return new PolicyPeer.Nodes(LabelSelector.matchLabels(labels));
  }

  private static ClusterNetworkPolicy cnp(String name, Tier tier, TierRule egress) {
    return new ClusterNetworkPolicy(
        name,
        tier,
        10,
        LabelSelector.EVERYTHING,
        LabelSelector.EVERYTHING,
        List.of(),
        List.of(egress),
        false);
  }

  private static Node node(String name, String address, Map<String, String> labels) {
    return Node.of(name, labels, List.of(ip(address)));
  }

  @Test
  void nodeChangesMoveTheirAddressesAndEqualAFromScratchCompile() {
    List<ClusterObject> state = new ArrayList<>();
    state.addAll(List.of(client, hostAgent, admin, baseline));
    PolicyCompiler incremental = new PolicyCompiler();
    FactFold fold = new FactFold();
    fold.apply(incremental.applyAll(ClusterFixtures.upserts(state)));
    assertSame(state, fold);
    assertThat(nodeSetMembers(fold)).isEmpty();

    // the node arrives after the policies
    Node linuxA = node("node-2", "10.99.0.12", Map.of("kubernetes.io/os", "linux", "zone", "a"));
    List<FactChange> arrived = upsert(incremental, fold, state, null, linuxA);
    assertThat(arrived).anyMatch(c -> c.value() instanceof SetMemberFact);
    assertThat(nodeSetMembers(fold)).hasSize(2); // one address in each tier's node set
    assertSame(state, fold);

    // relabelled out of the Baseline selector: its address leaves that set only
    Node linuxB = node("node-2", "10.99.0.12", Map.of("kubernetes.io/os", "linux", "zone", "b"));
    upsert(incremental, fold, state, linuxA, linuxB);
    assertThat(nodeSetMembers(fold)).hasSize(1);
    assertSame(state, fold);

    // a new address
    Node moved = node("node-2", "10.99.0.13", Map.of("kubernetes.io/os", "linux", "zone", "b"));
    upsert(incremental, fold, state, linuxB, moved);
    assertThat(nodeSetMembers(fold)).singleElement().hasToString("10.99.0.13");
    assertSame(state, fold);

    // deleted
    state.remove(moved);
    fold.apply(incremental.apply(ClusterFixtures.delete(moved)));
    assertThat(nodeSetMembers(fold)).isEmpty();
    assertSame(state, fold);
  }

  @Test
  void aNodesPeerDecidesTrafficToTheNodeAndItsHostNetworkPods() {
    Node linuxA = node("node-2", "10.99.0.12", Map.of("kubernetes.io/os", "linux", "zone", "a"));
    List<ClusterObject> objects = List.of(client, hostAgent, linuxA, admin, baseline);
    FactFold fold = FactFold.compile(ClusterFixtures.upserts(objects));
    ReferenceModel ref = new ReferenceModel(objects);
    NodeModelInterpreter kernel = new NodeModelInterpreter(fold.table(), objects);
    for (int port : List.of(22, 80, 443)) {
      Flow flow =
          new Flow(
              Flow.Endpoint.pod(client.key(), client.ips().get(0)),
              Flow.Endpoint.pod(hostAgent.key(), hostAgent.ips().get(0)),
              TCP,
              port);
      assertThat(ref.allows(flow)).as("reference %s", flow).isEqualTo(port == 443);
      assertThat(kernel.allows(flow))
          .as("%s with\n%s", flow, fold.describe())
          .isEqualTo(port == 443);
    }
  }

  private static List<FactChange> upsert(
      PolicyCompiler compiler, FactFold fold, List<ClusterObject> state, Node prev, Node next) {
    if (prev != null) {
      state.remove(prev);
    }
    state.add(next);
    List<FactChange> changes = compiler.apply(new ClusterChange.Upsert(next));
    fold.apply(changes);
    return changes;
  }

  private static void assertSame(List<ClusterObject> state, FactFold fold) {
    FactFold scratch = FactFold.compile(ClusterFixtures.upserts(state));
    assertThat(fold.facts()).as("incremental vs from scratch").isEqualTo(scratch.facts());
  }

  private static List<String> nodeSetMembers(FactFold fold) {
    return fold.facts().values().stream()
        .filter(f -> f instanceof SetMemberFact)
        .map(f -> (SetMemberFact) f)
        .filter(m -> fold.facts().values().stream().anyMatch(x -> isNodeSet(x, m.setId())))
        .map(m -> m.entry().ipsetText())
        .toList();
  }

  private static boolean isNodeSet(io.fenceline.core.facts.Fact f, String setId) {
    return f instanceof io.fenceline.core.facts.PolicyChainFact c
        && c.sets().stream().anyMatch(s -> s.id().equals(setId) && s.kind() == SetKind.NODE_IPS);
  }
}
