package io.fenceline.kafka.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the engine has processed {@code fenceline.events}: per partition, the committed offset of
 * the engine's consumer group (its Kafka Streams application id) against the partition's end offset
 * (the high watermark). The one place that decides whether the engine is caught up; {@code status},
 * {@code up --exit-when-converged}, the simulator and the engine's own {@code /healthz} ask here.
 *
 * <p>The end offset of a transactionally written partition is one past the last data record (the
 * commit marker). The engine's consumer moves past that marker and Kafka Streams commits that
 * position too (it commits when the position moved past records it never saw), so "caught up" is
 * {@code committed >= end}, not {@code committed >= end - 1}.
 */
public final class EngineProgress {
  private EngineProgress() {}

  /**
   * One partition of {@code fenceline.events}; {@code committed} is null when the engine never
   * committed there.
   */
  public record Partition(int partition, Long committed, long end) {
    public TopicPartition topicPartition() {
      return new TopicPartition(Topics.EVENTS, partition);
    }

    /** Events in the partition the engine has not committed. */
    public long lag() {
      return Math.max(0, end - (committed == null ? 0 : committed));
    }

    /** Nothing to process, or everything up to the end committed. */
    public boolean current() {
      return lag() == 0;
    }

    /** {@code fenceline.events-1 committed 9 of 10} (or {@code committed nothing of 10}). */
    public String describe() {
      return Topics.EVENTS
          + "-"
          + partition
          + " committed "
          + (committed == null ? "nothing" : committed)
          + " of "
          + end;
    }
  }

  /** Every partition of {@code fenceline.events}, in partition order. */
  public static List<Partition> read(Admin admin, String engineApplicationId, Duration timeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    int partitions =
        admin
            .describeTopics(List.of(Topics.EVENTS))
            .allTopicNames()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .get(Topics.EVENTS)
            .partitions()
            .size();
    List<Integer> all = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      all.add(p);
    }
    return read(admin, engineApplicationId, all, timeout);
  }

  /** The given partitions of {@code fenceline.events}, in the order given. */
  public static List<Partition> read(
      Admin admin, String engineApplicationId, List<Integer> partitions, Duration timeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
    for (int p : partitions) {
      wanted.put(new TopicPartition(Topics.EVENTS, p), OffsetSpec.latest());
    }
    var ends = admin.listOffsets(wanted).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(engineApplicationId)
            .partitionsToOffsetAndMetadata()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    List<Partition> out = new ArrayList<>();
    for (int p : partitions) {
      TopicPartition tp = new TopicPartition(Topics.EVENTS, p);
      OffsetAndMetadata c = committed.get(tp);
      out.add(new Partition(p, c == null ? null : c.offset(), ends.get(tp).offset()));
    }
    return out;
  }
}
