package io.fenceline.core.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.LabelSelector;
import io.fenceline.core.model.Tier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriorityClashesTest {
  private static ClusterNetworkPolicy cnp(String name, Tier tier, int priority) {
    return new ClusterNetworkPolicy(
        name,
        tier,
        priority,
        LabelSelector.EVERYTHING,
        LabelSelector.EVERYTHING,
        List.of(),
        List.of(),
        false);
  }

  @Test
  void warnsBothPoliciesOfAPlaceAndClearsWhenOneMovesAway() {
    PriorityClashes p = new PriorityClashes();
    assertThat(p.apply("a", cnp("a", Tier.ADMIN, 10))).isEmpty();
    assertThat(p.apply("b", cnp("b", Tier.BASELINE, 10))).as("another tier").isEmpty();
    Map<String, String> clash = p.apply("c", cnp("c", Tier.ADMIN, 10));
    assertThat(clash).containsOnlyKeys("a", "c");
    assertThat(clash.get("a"))
        .isEqualTo(
            "Admin tier priority 10 is shared by [a, c]; the API leaves their order open,"
                + " fenceline evaluates them by name");

    Map<String, String> third = p.apply("d", cnp("d", Tier.ADMIN, 10));
    assertThat(third).containsOnlyKeys("a", "c", "d");
    assertThat(third.get("d")).contains("[a, c, d]");

    Map<String, String> moved = p.apply("c", cnp("c", Tier.ADMIN, 11));
    assertThat(moved).containsOnlyKeys("a", "c", "d");
    assertThat(moved.get("c")).isNull();
    assertThat(moved.get("a")).contains("[a, d]");

    Map<String, String> deleted = new HashMap<>(p.apply("d", null));
    assertThat(deleted).containsOnlyKeys("a", "d");
    assertThat(deleted.values()).containsOnlyNulls();
    assertThat(p.warnings()).isEmpty();
  }

  @Test
  void anEditThatKeepsThePlaceChangesNoWarning() {
    PriorityClashes p = new PriorityClashes();
    p.apply("a", cnp("a", Tier.ADMIN, 1));
    p.apply("b", cnp("b", Tier.ADMIN, 1));
    assertThat(p.apply("a", cnp("a", Tier.ADMIN, 1))).isEmpty();
    assertThat(p.warnings()).containsOnlyKeys("a", "b");
  }
}
