package io.fenceline.forensics;

import io.fenceline.core.events.EventType;
import io.fenceline.core.history.ClusterState;
import io.fenceline.core.history.LogEvent;
import io.fenceline.core.history.ObjectRef;
import io.fenceline.core.history.StateDiff;
import io.fenceline.kafka.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one cluster's partition of {@code fenceline.events} (committed records only, in large
 * fetches) and folds it into a {@link ClusterState}. Records are decoded in parallel, a fetch at a
 * time, and folded in log order. Read-only: it joins no group and commits nothing.
 */
public final class EventLogReader implements AutoCloseable {
  private static final int FETCH_BYTES = 32 * 1024 * 1024;

  /** Records gathered before a fold when only the state at the end matters. */
  private static final int STRETCH_RECORDS = 100_000;

  private final KafkaConsumer<String, byte[]> consumer;
  private final String cluster;
  private final TopicPartition partition;

  /** The log's bounds now: the first retained offset and the end (last stable offset). */
  public record Bounds(long start, long end) {}

  /**
   * Where a replay stopped: at the end of the log, or before the first record observed after the
   * moment.
   */
  public record Stop(boolean reachedEnd, Instant nextEventAt) {}

  public EventLogReader(
      String bootstrapServers, Map<String, Object> clientProperties, String cluster) {
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
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.cluster = cluster;
    List<PartitionInfo> infos = consumer.partitionsFor(Topics.EVENTS, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      consumer.close();
      throw new IllegalStateException(
          "topic "
              + Topics.EVENTS
              + " does not exist at "
              + bootstrapServers
              + ": nothing was ever published there");
    }
    this.partition = new TopicPartition(Topics.EVENTS, partitionOf(cluster, infos.size()));
    consumer.assign(List.of(partition));
  }

  /** The partition the producer's default partitioner picks for a cluster id key. */
  static int partitionOf(String cluster, int partitions) {
    return io.fenceline.kafka.topics.EventPartitions.partitionOf(cluster, partitions);
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
      for (ConsumerRecord<String, byte[]> r :
          consumer.poll(Duration.ofMillis(500)).records(partition)) {
        LogEvent e = LogEvent.decode(r.key(), r.value(), r.offset());
        if (e.event() != null && e.event().cluster().equals(cluster)) {
          return e.event().observedAt();
        }
      }
    }
    return null;
  }

  /**
   * Folds records from {@code state.nextOffset()} into {@code state} until the end offset {@code
   * end} or until the first record of this cluster observed after {@code until} (null: to the end).
   * {@code applied}, if given, sees every folded record with the objects it changed.
   */
  public Stop replay(
      ClusterState state,
      Instant until,
      long end,
      Consumer<StateDiff.Applied> applied,
      Progress progress) {
    consumer.seek(partition, state.nextOffset());
    long first = state.nextOffset();
    progress.total(end - first);
    while (state.nextOffset() < end) {
      List<ConsumerRecord<String, byte[]>> records =
          new ArrayList<>(consumer.poll(Duration.ofMillis(500)).records(partition));
      // To a moment, a larger stretch supersedes more objects: gather a few fetches before folding.
      while (applied == null
          && !records.isEmpty()
          && records.size() < STRETCH_RECORDS
          && consumer.position(partition) < end) {
        List<ConsumerRecord<String, byte[]>> more =
            consumer.poll(Duration.ofMillis(500)).records(partition);
        if (more.isEmpty()) {
          break;
        }
        records.addAll(more);
      }
      if (records.isEmpty()) {
        if (consumer.position(partition) >= end) {
          break; // the rest were aborted transactions' records or markers
        }
        continue;
      }
      LogEvent[] decoded = applied == null ? decodeForEnd(records, until, end) : decodeAll(records);
      for (int i = 0; i < decoded.length; i++) {
        LogEvent e = decoded[i];
        if (e.offset() >= end) {
          if (state.nextOffset() < end) {
            state.skip(end - 1); // what lay between were transaction markers or aborted records
          }
          progress.done(state.nextOffset() - first);
          return new Stop(true, null);
        }
        if (!cluster.equals(records.get(i).key())) {
          state.skip(
              e.offset()); // another cluster sharing the partition (or a key the engine rejects)
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

  /** Every record fully decoded, in parallel (callers that look at every intermediate state). */
  private static LogEvent[] decodeAll(List<ConsumerRecord<String, byte[]>> records) {
    LogEvent[] decoded = new LogEvent[records.size()];
    IntStream.range(0, records.size())
        .parallel()
        .forEach(
            i -> {
              ConsumerRecord<String, byte[]> r = records.get(i);
              decoded[i] = LogEvent.decode(r.key(), r.value(), r.offset());
            });
    return decoded;
  }

  /**
   * Decoded for a replay that only needs the state after the fetch (or at {@code until}): an
   * UPSERT's object is decoded only when no later record of the fetch (before {@code end} and up to
   * {@code until}) settles the same object — a DELETE, or an UPSERT whose object is usable. A
   * superseded UPSERT folds as a no-op, which leaves the same state at the end. Headers and the
   * kept objects decode in parallel.
   */
  private LogEvent[] decodeForEnd(
      List<ConsumerRecord<String, byte[]>> records, Instant until, long end) {
    int n = records.size();
    LogEvent[] d = new LogEvent[n];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              ConsumerRecord<String, byte[]> r = records.get(i);
              d[i] = LogEvent.header(r.key(), r.value(), r.offset());
            });
    int cut = n;
    for (int i = 0;
        i < n;
        i++) { // where the fold will stop: the end offset, or the first record after until
      if (d[i].offset() >= end
          || cluster.equals(records.get(i).key())
              && d[i].event() != null
              && until != null
              && d[i].event().observedAt().isAfter(until)) {
        cut = i;
        break;
      }
    }
    // Backwards: the last record of each object within [0, cut) settles it, if it is a DELETE or a
    // usable UPSERT.
    Map<ObjectRef, Integer> last = new HashMap<>();
    for (int i = cut - 1; i >= 0; i--) {
      ObjectRef ref =
          d[i].rejected() == null && cluster.equals(records.get(i).key()) ? d[i].ref() : null;
      if (ref != null) {
        last.putIfAbsent(ref, i);
      }
    }
    List<Integer> lastUpserts = new ArrayList<>();
    for (int i : last.values()) {
      if (d[i].needsObject()) {
        lastUpserts.add(i);
      }
    }
    lastUpserts.parallelStream().forEach(i -> d[i] = d[i].withObject());
    for (int i = 0; i < cut; i++) { // records after the cut are never folded
      if (!d[i].needsObject()) {
        continue;
      }
      Integer settle = cluster.equals(records.get(i).key()) ? last.get(d[i].ref()) : null;
      boolean superseded =
          settle != null
              && settle > i
              && (d[settle].event().type() == EventType.DELETE || d[settle].object() != null);
      d[i] = superseded ? d[i].superseded() : d[i].withObject();
    }
    return d;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
