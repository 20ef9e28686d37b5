package io.fenceline.applier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FilterRollbackTest {
  private static final String JUMP =
      "-I FORWARD 1 -m comment --comment \"fenceline: NetworkPolicy enforcement\" -j FNL-FORWARD";

  @Test
  void putsBackTheOldChainsAndDeletesTheNewOnes() {
    Map<String, List<String>> before = new LinkedHashMap<>();
    before.put("FNL-FORWARD", List.of("-A FNL-FORWARD -d 10.0.0.1/32 -j FNL-IN-a"));
    before.put("FNL-IN-a", List.of("-A FNL-IN-a -j REJECT"));
    String text =
        FilterRollback.text(before, true, Set.of("FNL-FORWARD", "FNL-IN-a", "FNL-POL-new"), JUMP);
    assertThat(text)
        .isEqualTo(
            """
        # fenceline: rollback to the rules before the refused apply
        *filter
        :FNL-FORWARD - [0:0]
        :FNL-IN-a - [0:0]
        :FNL-POL-new - [0:0]
        -A FNL-FORWARD -d 10.0.0.1/32 -j FNL-IN-a
        -A FNL-IN-a -j REJECT
        -X FNL-POL-new
        COMMIT
        """);
  }

  @Test
  void aJumpThatWasNotThereIsDeletedBeforeItsChain() {
    String text = FilterRollback.text(Map.of(), false, Set.of("FNL-FORWARD"), JUMP);
    assertThat(text)
        .endsWith(
            """
        :FNL-FORWARD - [0:0]
        -D FORWARD -m comment --comment "fenceline: NetworkPolicy enforcement" -j FNL-FORWARD
        -X FNL-FORWARD
        COMMIT
        """);
  }
}
