package io.fenceline.engine.topology;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.events.EventFold;
import io.fenceline.core.events.EventFormatException;
import io.fenceline.core.events.EventObjects;
import io.fenceline.core.events.EventType;
import io.fenceline.core.facts.Fact;
import io.fenceline.core.facts.PartitionRouter;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.kafka.topics.FactHeaders;
import io.fenceline.kafka.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's processor: each event of {@code fenceline.events} becomes a cluster change for the
 * pure compiler; the fact changes it returns go to {@code fenceline.node-facts}, routed to the
 * partitions that need them, and set members once to the cluster's partition of {@code
 * fenceline.set-members}. Bad input goes to {@code fenceline.dead-letter} and the stream goes on;
 * ClusterNetworkPolicies that share a tier and priority are named in {@code
 * fenceline.policy-warnings}.
 *
 * <p>State: the object store (RocksDB, changelogged) holds the current event of every object; the
 * compiler's indexes and the router's reference counts are derived from it and rebuilt in memory
 * when a task starts (see docs/adr/0002). All output of one event is written in one exactly-once
 * transaction, in dependency order.
 */
final class CompileProcessor implements Processor<String, byte[], Object, Object> {
  private static final Logger LOG = LoggerFactory.getLogger(CompileProcessor.class);

  private final int nodeFactPartitions;
  private final int setMemberPartitions;
  private final Map<String, ClusterCompilation> clusters = new HashMap<>();
  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, byte[]> objects;
  private Sensor deadLetters;

  CompileProcessor(int nodeFactPartitions, int setMemberPartitions) {
    this.nodeFactPartitions = nodeFactPartitions;
    this.setMemberPartitions = setMemberPartitions;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.objects = context.getStateStore(EngineTopology.OBJECT_STORE);
    this.deadLetters =
        context
            .metrics()
            .addRateTotalSensor(
                "fenceline-engine", "compile", "dead-letter", Sensor.RecordingLevel.INFO);
    rebuild();
  }

  /**
   * Folds the stored objects into fresh compilers; their output was written before, so it is
   * dropped.
   */
  private void rebuild() {
    long n = 0;
    long started = System.nanoTime();
    try (KeyValueIterator<String, byte[]> it = objects.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        try {
          ChangeEvent e = EventCodec.decode(kv.value);
          EventObjects.Result r = EventObjects.decode(e, "store");
          if (r.object() != null) {
            ClusterChange c = ClusterChange.upsert(r.object());
            cluster(e.cluster()).apply(c);
            cluster(e.cluster()).warningsOf(c);
            n++;
          }
        } catch (EventFormatException ex) {
          LOG.error(
              "object store entry {} is unreadable, skipped: {}",
              kv.key.replace('\0', '/'),
              ex.getMessage());
        }
      }
    }
    LOG.info(
        "[task {}] rebuilt compiler state from {} stored objects in {} ms",
        context.taskId(),
        n,
        (System.nanoTime() - started) / 1_000_000);
  }

  private ClusterCompilation cluster(String id) {
    return clusters.computeIfAbsent(id, c -> new ClusterCompilation(c, nodeFactPartitions));
  }

  @Override
  public void process(Record<String, byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    String origin = meta.topic() + "-" + meta.partition() + "@" + meta.offset();
    EventFold.Read read = EventFold.read(record.key(), record.value());
    if (!read.accepted()) {
      deadLetter(record, meta, read.rejected());
      return;
    }
    ChangeEvent e = read.event();
    ClusterCompilation cc = cluster(e.cluster());
    EventFold.Step step =
        EventFold.apply(read, origin, new RocksStore(e.cluster(), record.value(), e));
    if (!step.problems().isEmpty()) {
      deadLetter(record, meta, step.problems());
    }
    List<PartitionRouter.Routed> out = new ArrayList<>();
    Map<String, String> warnings = new java.util.TreeMap<>();
    for (ClusterChange c : step.changes()) {
      out.addAll(cc.apply(c));
      warnings.putAll(cc.warningsOf(c));
    }
    if (e.type() == EventType.GENERATION_END && !step.changes().isEmpty()) {
      LOG.info(
          "cluster {}: generation {} of {} swept {} objects deleted while ingest was away",
          e.cluster(),
          e.generation(),
          e.kind(),
          step.changes().size());
    }
    forward(e, meta, record.timestamp(), out);
    warnings.forEach(
        (name, warning) -> {
          if (warning != null) {
            LOG.warn("cluster {}: ClusterNetworkPolicy {}: {}", e.cluster(), name, warning);
          }
          context.forward(
              new Record<Object, Object>(
                  io.fenceline.kafka.topics.PolicyWarnings.key(e.cluster(), name),
                  warning == null ? null : warning.getBytes(StandardCharsets.UTF_8),
                  record.timestamp()),
              EngineTopology.POLICY_WARNINGS_SINK);
        });
  }

  /**
   * The fold's store over the RocksDB object store: the event in force per object, as the bytes
   * that were read ({@code value}) unless the fold replaced the event (an oversize object's stub).
   */
  private final class RocksStore implements EventFold.Store {
    private final String cluster;
    private final byte[] value;
    private final ChangeEvent read;

    RocksStore(String cluster, byte[] value, ChangeEvent read) {
      this.cluster = cluster;
      this.value = value;
      this.read = read;
    }

    @Override
    public void put(Kind kind, ObjectKey key, ChangeEvent event, ClusterObject object) {
      objects.put(
          ObjectStoreKeys.key(cluster, kind.apiName(), key.namespace(), key.name()),
          event == read && event.truncated() == null ? value : EventCodec.encode(event));
    }

    @Override
    public void remove(Kind kind, ObjectKey key) {
      objects.delete(ObjectStoreKeys.key(cluster, kind.apiName(), key.namespace(), key.name()));
    }

    @Override
    public List<ObjectKey> olderThan(Kind kind, long generation) {
      List<ObjectKey> stale = new ArrayList<>();
      try (KeyValueIterator<String, byte[]> it =
          objects.prefixScan(
              ObjectStoreKeys.prefix(cluster, kind.apiName()),
              new org.apache.kafka.common.serialization.StringSerializer())) {
        while (it.hasNext()) {
          KeyValue<String, byte[]> kv = it.next();
          boolean old;
          try {
            old = EventCodec.decode(kv.value).generation() < generation;
          } catch (EventFormatException ex) {
            old = true;
          }
          if (old) {
            String[] parts = kv.key.split(String.valueOf(ObjectStoreKeys.SEP), -1);
            stale.add(new ObjectKey(parts[2], parts[3]));
          }
        }
      }
      stale.sort(null);
      return stale;
    }
  }

  private void forward(
      ChangeEvent e, RecordMetadata meta, long timestamp, List<PartitionRouter.Routed> out) {
    if (out.isEmpty()) {
      return;
    }
    // The same four header values for every fact of the event: encoded once, not per fact.
    byte[] cluster = e.cluster().getBytes(StandardCharsets.UTF_8);
    byte[] sourcePartition = Integer.toString(meta.partition()).getBytes(StandardCharsets.UTF_8);
    byte[] sourceOffset = Long.toString(meta.offset()).getBytes(StandardCharsets.UTF_8);
    byte[] observedAt = e.observedAt().toString().getBytes(StandardCharsets.UTF_8);
    SortedSet<Integer> setPartition = null;
    for (PartitionRouter.Routed r : out) {
      RecordHeaders h = new RecordHeaders();
      h.add(FactHeaders.CLUSTER, cluster);
      h.add(FactHeaders.SOURCE_PARTITION, sourcePartition);
      h.add(FactHeaders.SOURCE_OFFSET, sourceOffset);
      h.add(FactHeaders.OBSERVED_AT, observedAt);
      Fact value = r.change().value();
      if (r.shared()) {
        if (setPartition == null) {
          setPartition =
              new TreeSet<>(List.of(Topics.setPartitionOf(e.cluster(), setMemberPartitions)));
        }
        RoutedFactKey key = new RoutedFactKey(e.cluster(), r.change().key(), setPartition);
        context.forward(
            new Record<Object, Object>(key, value, timestamp, h), EngineTopology.SET_MEMBERS_SINK);
      } else {
        RoutedFactKey key = new RoutedFactKey(e.cluster(), r.change().key(), r.partitions());
        context.forward(
            new Record<Object, Object>(key, value, timestamp, h), EngineTopology.NODE_FACTS_SINK);
      }
    }
  }

  private void deadLetter(Record<String, byte[]> record, RecordMetadata meta, String reason) {
    deadLetters.record();
    byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
    byte[] value = record.value();
    long copied = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    if (copied > DeadLetter.MAX_COPIED_BYTES) {
      // A dead letter must fit a record too: the original stays in the event log at the offset
      // named.
      reason =
          "(the original record, "
              + copied
              + " bytes, is not copied: read it at "
              + meta.topic()
              + "-"
              + meta.partition()
              + "@"
              + meta.offset()
              + ") "
              + reason;
      value = null;
      key = key != null && key.length > 64 * 1024 ? null : key;
    }
    DeadLetter d =
        new DeadLetter(key, value, reason, meta.topic(), meta.partition(), meta.offset());
    LOG.warn("dead letter {}-{}@{}: {}", meta.topic(), meta.partition(), meta.offset(), d.reason());
    context.forward(
        new Record<Object, Object>(d.key(), d.value(), record.timestamp(), d.headers()),
        EngineTopology.DEAD_LETTER_SINK);
  }
}
