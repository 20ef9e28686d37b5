package io.fenceline.simulator.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.facts.Clause;
import io.fenceline.core.facts.FactKey;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.facts.SetKind;
import io.fenceline.core.facts.SetRef;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.ObjectKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageIndexTest {
  private static final SetRef SET_A = new SetRef("set-a", SetKind.values()[0], 0, "a");
  private static final SetRef SET_B = new SetRef("set-b", SetKind.values()[0], 0, "b");

  private static PolicyChainFact chain(String id, SetRef set) {
    return new PolicyChainFact(
        id,
        ObjectKey.of("ns", "p-" + id),
        Direction.INGRESS,
        List.of(new Clause(set, null, null, null, null, "ns/p")));
  }

  private static PodBindingFact binding(String node, String pod, String... chains) {
    return new PodBindingFact(
        node, ObjectKey.of("ns", pod), List.of(), true, false, List.of(chains), List.of());
  }

  private static void bind(UsageIndex index, PodBindingFact b) {
    index.binding(new FactKey.Binding(b.node(), b.pod()), b);
  }

  @Test
  void shouldFindTheNodesWhoseBindingsUseAChainThatUsesTheSet() {
    UsageIndex index = new UsageIndex();
    index.chain("c1", chain("c1", SET_A));
    index.chain("c2", chain("c2", SET_B));
    bind(index, binding("node-1", "a", "c1"));
    bind(index, binding("node-2", "b", "c1", "c2"));
    bind(index, binding("node-3", "c", "c2"));
    assertThat(index.nodesOfSet("set-a")).containsExactlyInAnyOrder("node-1", "node-2");
    assertThat(index.nodesOfSet("set-b")).containsExactlyInAnyOrder("node-2", "node-3");
    assertThat(index.nodesOfChain("c2")).containsExactlyInAnyOrder("node-2", "node-3");
  }

  @Test
  void shouldForgetANodeOnlyWhenItsLastBindingLeavesTheChain() {
    UsageIndex index = new UsageIndex();
    index.chain("c1", chain("c1", SET_A));
    bind(index, binding("node-1", "a", "c1"));
    bind(index, binding("node-1", "b", "c1"));
    index.binding(new FactKey.Binding("node-1", ObjectKey.of("ns", "a")), null);
    assertThat(index.nodesOfSet("set-a")).containsExactly("node-1");
    bind(index, binding("node-1", "b"));
    assertThat(index.nodesOfSet("set-a")).isEmpty();
    assertThat(index.nodesOfChain("c1")).isEmpty();
  }

  @Test
  void shouldFollowAChainThatNoLongerUsesASet() {
    UsageIndex index = new UsageIndex();
    index.chain("c1", chain("c1", SET_A));
    bind(index, binding("node-1", "a", "c1"));
    index.chain("c1", chain("c1", SET_B));
    assertThat(index.nodesOfSet("set-a")).isEmpty();
    assertThat(index.nodesOfSet("set-b")).containsExactly("node-1");
    index.chain("c1", null);
    assertThat(index.nodesOfSet("set-b")).isEmpty();
  }
}
