package io.fenceline.engine.health;

import io.fenceline.kafka.topics.EngineProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides from successive samples of {@link EngineProgress} which input partitions are stuck:
 * events are waiting (lag &gt; 0) and the committed offset has not moved for longer than the
 * threshold. A partition with no lag is never stuck (an idle engine commits nothing, rightly); the
 * clock starts when lag is first seen at a committed offset, so a long idle stretch before new
 * events does not count. Not thread-safe: one sampler calls it.
 */
public final class StuckPartitions {
  private final Duration threshold;
  private Map<Integer, Seen> seen = new HashMap<>();

  private record Seen(Long committed, Instant since) {}

  /** A stuck partition and since when its committed offset has not moved. */
  public record Stuck(EngineProgress.Partition partition, Instant since) {
    public String reason(Instant now, Duration threshold) {
      return partition.describe()
          + " (lag "
          + partition.lag()
          + "): the committed offset has not moved for "
          + Duration.between(since, now).toSeconds()
          + " s (threshold "
          + threshold.toSeconds()
          + " s)";
    }
  }

  public StuckPartitions(Duration threshold) {
    if (threshold.isNegative() || threshold.isZero()) {
      throw new IllegalArgumentException("threshold must be positive: " + threshold);
    }
    this.threshold = threshold;
  }

  public Duration threshold() {
    return threshold;
  }

  /**
   * Folds in one sample (all partitions to watch; others are forgotten) and returns the stuck ones.
   */
  public List<Stuck> observe(Instant now, List<EngineProgress.Partition> sample) {
    Map<Integer, Seen> next = new HashMap<>();
    List<Stuck> stuck = new ArrayList<>();
    for (EngineProgress.Partition p : sample) {
      if (p.current()) {
        continue;
      }
      Seen s = seen.get(p.partition());
      if (s == null || !Objects.equals(s.committed(), p.committed())) {
        s = new Seen(p.committed(), now);
      }
      next.put(p.partition(), s);
      if (Duration.between(s.since(), now).compareTo(threshold) > 0) {
        stuck.add(new Stuck(p, s.since()));
      }
    }
    seen = next;
    return stuck;
  }
}
