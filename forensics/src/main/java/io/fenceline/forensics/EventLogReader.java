package io.fenceline.forensics;

import io.fenceline.core.history.ClusterState;
import io.fenceline.core.history.LogEvent;
import io.fenceline.core.history.ObjectRef;
import io.fenceline.core.history.StateDiff;
import io.fenceline.kafka.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads one cluster's partition of {@code fenceline.events} (committed records only, in large
 * fetches) and folds it into a {@link ClusterState}. Records are decoded in parallel, a fetch at a
 * time, and folded in log order. Read-only: it joins no group and commits nothing.
 */
public final class EventLogReader implements AutoCloseable {
  private static final int FETCH_BYTES = 32 * 1024 * 1024;

  private final KafkaConsumer<String, byte[]> consumer;
  private final String cluster;
  private final TopicPartition partition;

  /** The log's bounds now: the first retained offset and the end (last stable offset). */
  public record Bounds(long start, long end) {}

  /** Where a replay stopped: at the end of the log, or before the first record observed after the moment. */
  public record Stop(boolean reachedEnd, Instant nextEventAt) {}

  public EventLogReader(String bootstrapServers, Map<String, Object> clientProperties, String cluster) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20_000);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, FETCH_BYTES);
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_BYTES);
    props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1024 * 1024);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    props.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, 4 * 1024 * 1024);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "fenceline-forensics");
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.cluster = cluster;
    List<PartitionInfo> infos = consumer.partitionsFor(Topics.EVENTS, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      consumer.close();
      throw new IllegalStateException("topic " + Topics.EVENTS + " does not exist at " + bootstrapServers
          + ": nothing was ever published there");
    }
    this.partition = new TopicPartition(Topics.EVENTS, partitionOf(cluster, infos.size()));
    consumer.assign(List.of(partition));
  }

  /** The partition the producer's default partitioner picks for a cluster id key. */
  static int partitionOf(String cluster, int partitions) {
    return Utils.toPositive(Utils.murmur2(cluster.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  public int partition() {
    return partition.partition();
  }

  public Bounds bounds() {
    long start = consumer.beginningOffsets(List.of(partition)).get(partition);
    long end = consumer.endOffsets(List.of(partition)).get(partition);
    return new Bounds(start, end);
  }

  /** The observedAt of the first retained record of this cluster, or null if none is retained. */
  public Instant firstObservedAt(Bounds b) {
    consumer.seek(partition, b.start());
    while (consumer.position(partition) < b.end()) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500)).records(partition)) {
        LogEvent e = LogEvent.decode(r.key(), r.value(), r.offset());
        if (e.event() != null && e.event().cluster().equals(cluster)) {
          return e.event().observedAt();
        }
      }
    }
    return null;
  }

  /**
   * Folds records from {@code state.nextOffset()} into {@code state} until the end offset {@code end}
   * or until the first record of this cluster observed after {@code until} (null: to the end).
   * {@code applied}, if given, sees every folded record with the objects it changed.
   */
  public Stop replay(ClusterState state, Instant until, long end, Consumer<StateDiff.Applied> applied,
      Progress progress) {
    consumer.seek(partition, state.nextOffset());
    long first = state.nextOffset();
    progress.total(end - first);
    while (state.nextOffset() < end) {
      ConsumerRecords<String, byte[]> polled = consumer.poll(Duration.ofMillis(500));
      List<ConsumerRecord<String, byte[]>> records = polled.records(partition);
      if (records.isEmpty()) {
        if (consumer.position(partition) >= end) {
          break; // the rest were aborted transactions' records or markers
        }
        continue;
      }
      LogEvent[] decoded = new LogEvent[records.size()];
      IntStream.range(0, records.size()).parallel().forEach(i -> {
        ConsumerRecord<String, byte[]> r = records.get(i);
        decoded[i] = LogEvent.decode(r.key(), r.value(), r.offset());
      });
      for (int i = 0; i < decoded.length; i++) {
        LogEvent e = decoded[i];
        if (e.offset() >= end) {
          progress.done(state.nextOffset() - first);
          return new Stop(true, null);
        }
        if (!cluster.equals(records.get(i).key())) {
          state.skip(e.offset()); // another cluster sharing the partition (or a key the engine rejects)
          continue;
        }
        if (until != null && e.event() != null && e.event().observedAt().isAfter(until)) {
          progress.done(state.nextOffset() - first);
          return new Stop(false, e.event().observedAt());
        }
        List<ObjectRef> changed = state.apply(e);
        if (applied != null) {
          applied.accept(new StateDiff.Applied(e, changed));
        }
      }
      progress.update(state.nextOffset() - first);
    }
    if (state.nextOffset() < end) {
      state.skip(end - 1); // the last offsets held transaction markers or aborted records
    }
    progress.done(state.nextOffset() - first);
    return new Stop(true, null);
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
