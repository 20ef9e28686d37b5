package io.fenceline.engine.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceline.kafka.topics.EngineProgress.Partition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StuckPartitionsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final StuckPartitions stuck = new StuckPartitions(Duration.ofSeconds(30));

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  @Test
  void lagWithACommittedOffsetThatDoesNotMoveIsStuckOnlyAfterTheThreshold() {
    assertThat(stuck.observe(at(0), List.of(new Partition(1, 9L, 10)))).isEmpty();
    assertThat(stuck.observe(at(30), List.of(new Partition(1, 9L, 10)))).isEmpty();
    List<StuckPartitions.Stuck> s = stuck.observe(at(31), List.of(new Partition(1, 9L, 12)));
    assertThat(s)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.partition().partition()).isEqualTo(1);
              assertThat(x.since()).isEqualTo(at(0));
              assertThat(x.reason(at(31), stuck.threshold()))
                  .isEqualTo(
                      "fenceline.events-1 committed 9 of 12 (lag 3): the committed offset has not moved for 31 s (threshold 30 s)");
            });
  }

  @Test
  void aMovingCommittedOffsetRestartsTheClock() {
    stuck.observe(at(0), List.of(new Partition(0, 5L, 100)));
    assertThat(stuck.observe(at(20), List.of(new Partition(0, 50L, 100)))).isEmpty();
    assertThat(stuck.observe(at(45), List.of(new Partition(0, 50L, 120)))).isEmpty();
    assertThat(stuck.observe(at(51), List.of(new Partition(0, 50L, 120)))).hasSize(1);
  }

  @Test
  void anIdlePartitionIsNeverStuckAndItsIdleTimeDoesNotCount() {
    for (int t = 0; t <= 600; t += 60) {
      assertThat(
              stuck.observe(at(t), List.of(new Partition(2, 10L, 10), new Partition(3, null, 0))))
          .isEmpty();
    }
    // new events after a long idle stretch: the clock starts now
    assertThat(stuck.observe(at(601), List.of(new Partition(2, 10L, 11)))).isEmpty();
    assertThat(stuck.observe(at(620), List.of(new Partition(2, 10L, 11)))).isEmpty();
    assertThat(stuck.observe(at(632), List.of(new Partition(2, 10L, 11)))).hasSize(1);
    // caught up again: forgotten
    assertThat(stuck.observe(at(633), List.of(new Partition(2, 11L, 11)))).isEmpty();
    assertThat(stuck.observe(at(634), List.of(new Partition(2, 11L, 12)))).isEmpty();
  }

  @Test
  void neverCommittedWithEventsWaitingCounts() {
    stuck.observe(at(0), List.of(new Partition(4, null, 3)));
    assertThat(stuck.observe(at(40), List.of(new Partition(4, null, 3))))
        .singleElement()
        .satisfies(
            x ->
                assertThat(x.reason(at(40), stuck.threshold()))
                    .startsWith("fenceline.events-4 committed nothing of 3 (lag 3)"));
  }

  @Test
  void theThresholdMustBePositive() {
    assertThatThrownBy(() -> new StuckPartitions(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
