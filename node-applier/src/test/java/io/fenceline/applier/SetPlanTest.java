package io.fenceline.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.render.KernelSet;
import io.fenceline.core.render.PayloadDelta;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SetPlanTest {
  private static final String OPTS = "hash:ip family inet hashsize 1024 maxelem 1048576";

  private static KernelSet set(String name, String... members) {
    return new KernelSet(name, name + "-T", OPTS, 4, List.of(members));
  }

  @Test
  void aDeltaAddsBeforeTheRulesAndRemovesAfter() {
    Map<String, Set<String>> present = new HashMap<>();
    present.put("FNL-P4-a", Set.of("10.0.0.1", "10.0.0.2"));
    present.put("FNL-P4-gone", Set.of("10.0.0.9"));
    SetPlan plan =
        SetPlan.of(
            List.of(set("FNL-P4-a", "10.0.0.2", "10.0.0.3"), set("FNL-P4-new", "10.0.0.4")),
            present);

    assertThat(plan.prepare())
        .isEqualTo(
            """
        add FNL-P4-a 10.0.0.3 -exist
        create FNL-P4-new hash:ip family inet hashsize 1024 maxelem 1048576
        add FNL-P4-new 10.0.0.4
        """);
    assertThat(plan.prepare())
        .as("nothing the current rules use loses a member before the rules change")
        .doesNotContain("del ")
        .doesNotContain("swap ")
        .doesNotContain("destroy ")
        .doesNotContain("flush ");
    assertThat(plan.cleanup())
        .isEqualTo(
            """
        del FNL-P4-a 10.0.0.1 -exist
        destroy FNL-P4-gone
        """);
    assertThat(plan.added()).isEqualTo(2);
    assertThat(plan.removed()).isEqualTo(2);
    assertThat(plan.undoAll())
        .isEqualTo(
            """
        destroy FNL-P4-new -exist
        del FNL-P4-a 10.0.0.3 -exist
        """);
  }

  @Test
  void undoTakesBackOnlyTheLinesBeforeTheRefusedOne() {
    SetPlan plan =
        SetPlan.of(
            List.of(set("FNL-P4-a", "10.0.0.1", "10.0.0.2"), set("FNL-P4-b", "10.0.0.3")),
            Map.of("FNL-P4-a", Set.of("10.0.0.1")));
    // line 1: add a 10.0.0.2; line 2: create b (refused: someone else's set of that name); line 3:
    // add b
    assertThat(plan.prepareLines())
        .startsWith("add FNL-P4-a 10.0.0.2 -exist", "create FNL-P4-b " + OPTS);
    assertThat(plan.undo(1)).isEqualTo("del FNL-P4-a 10.0.0.2 -exist\n");
    assertThat(plan.undo(0)).isEmpty();
    assertThat(plan.undo(1))
        .as("the refused create is not undone: the set is not ours")
        .doesNotContain("FNL-P4-b");
  }

  @Test
  void setsOfUnknownContentAreRebuiltAndSwappedInOnlyAfterTheRules() {
    Map<String, Set<String>> present =
        SetPlan.namesOnly(Set.of("FNL-P4-a", "FNL-P4-a-T", "FNL-P4-old"));
    SetPlan plan = SetPlan.of(List.of(set("FNL-P4-a", "10.0.0.1")), present);
    assertThat(plan.prepare())
        .isEqualTo(
            """
        create FNL-P4-a hash:ip family inet hashsize 1024 maxelem 1048576 -exist
        create FNL-P4-a-T hash:ip family inet hashsize 1024 maxelem 1048576 -exist
        flush FNL-P4-a-T
        add FNL-P4-a-T 10.0.0.1
        """);
    assertThat(plan.cleanup())
        .as("a leftover temporary set that is reused is destroyed once")
        .isEqualTo(
            """
        swap FNL-P4-a-T FNL-P4-a
        destroy FNL-P4-a-T
        destroy FNL-P4-old
        """);
    assertThat(plan.undoAll()).isEqualTo("destroy FNL-P4-a-T -exist\n");
  }

  @Test
  void aBigChangeIsRebuiltWithTheAdditionsAlsoInTheLiveSet() {
    List<String> old =
        IntStream.range(0, PayloadDelta.REBUILD_THRESHOLD)
            .mapToObj(i -> "10.1.0." + (i % 250) + "" + (i / 250))
            .toList();
    String[] next = IntStream.range(0, 3).mapToObj(i -> "10.2.0." + i).toArray(String[]::new);
    SetPlan plan = SetPlan.of(List.of(set("FNL-P4-a", next)), Map.of("FNL-P4-a", Set.copyOf(old)));
    assertThat(plan.prepare())
        .contains("flush FNL-P4-a-T\n")
        .contains("add FNL-P4-a-T 10.2.0.0\n")
        .contains("add FNL-P4-a 10.2.0.0 -exist\n")
        .doesNotContain("swap")
        .doesNotContain("del ");
    assertThat(plan.cleanup()).isEqualTo("swap FNL-P4-a-T FNL-P4-a\ndestroy FNL-P4-a-T\n");
    assertThat(plan.undoAll())
        .contains("del FNL-P4-a 10.2.0.0 -exist\n")
        .endsWith("destroy FNL-P4-a-T -exist\n");
    assertThat(plan.added()).isEqualTo(3);
    assertThat(plan.removed()).isEqualTo(old.size());
  }

  @Test
  void nothingChangedNothingToDo() {
    SetPlan plan =
        SetPlan.of(
            List.of(set("FNL-P4-a", "10.0.0.1")), SetPlan.of(List.of(set("FNL-P4-a", "10.0.0.1"))));
    assertThat(plan.prepare()).isEmpty();
    assertThat(plan.cleanup()).isEmpty();
    assertThat(plan.undoAll()).isEmpty();
  }
}
