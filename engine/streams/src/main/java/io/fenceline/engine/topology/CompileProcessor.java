package io.fenceline.engine.topology;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.events.EventFormatException;
import io.fenceline.core.events.EventObjects;
import io.fenceline.core.events.EventType;
import io.fenceline.core.facts.Fact;
import io.fenceline.core.facts.PartitionRouter;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.ObjectKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * partitions that need them. Bad input goes to {@code fenceline.dead-letter} and the stream goes on.
 *
 * <p>State: the object store (RocksDB, changelogged) holds the current event of every object; the
 * compiler's indexes and the router's reference counts are derived from it and rebuilt in memory
 * when a task starts (see docs/adr/0002). All output of one event is written in one exactly-once
 * transaction, in dependency order.
 */
final class CompileProcessor implements Processor<String, byte[], Object, Object> {
  private static final Logger LOG = LoggerFactory.getLogger(CompileProcessor.class);

  private final int nodeFactPartitions;
  private final Map<String, ClusterCompilation> clusters = new HashMap<>();
  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, byte[]> objects;
  private Sensor deadLetters;

  CompileProcessor(int nodeFactPartitions) {
    this.nodeFactPartitions = nodeFactPartitions;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.objects = context.getStateStore(EngineTopology.OBJECT_STORE);
    this.deadLetters = context.metrics().addRateTotalSensor("fenceline-engine", "compile", "dead-letter",
        Sensor.RecordingLevel.INFO);
    rebuild();
  }

  /** Folds the stored objects into fresh compilers; their output was written before, so it is dropped. */
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
            cluster(e.cluster()).apply(ClusterChange.upsert(r.object()));
            n++;
          }
        } catch (EventFormatException ex) {
          LOG.error("object store entry {} is unreadable, skipped: {}", kv.key.replace('\0', '/'), ex.getMessage());
        }
      }
    }
    LOG.info("[task {}] rebuilt compiler state from {} stored objects in {} ms", context.taskId(), n,
        (System.nanoTime() - started) / 1_000_000);
  }

  private ClusterCompilation cluster(String id) {
    return clusters.computeIfAbsent(id, c -> new ClusterCompilation(c, nodeFactPartitions));
  }

  @Override
  public void process(Record<String, byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    String origin = meta.topic() + "-" + meta.partition() + "@" + meta.offset();
    ChangeEvent e;
    try {
      e = EventCodec.decode(record.value());
    } catch (EventFormatException ex) {
      deadLetter(record, meta, ex.getMessage());
      return;
    }
    if (record.key() == null || !record.key().equals(e.cluster())) {
      deadLetter(record, meta, "record key '" + record.key() + "' is not the event's cluster '" + e.cluster() + "'");
      return;
    }
    if (e.type() == EventType.HEARTBEAT) {
      return; // ingest is alive; nothing to compile
    }
    Kind kind = Kind.fromApiName(e.kind());
    if (kind == null) {
      deadLetter(record, meta, "unknown kind '" + e.kind() + "' (fenceline reads " + EventObjects.knownKinds() + ")");
      return;
    }
    List<PartitionRouter.Routed> out = new ArrayList<>();
    ClusterCompilation cc = cluster(e.cluster());
    switch (e.type()) {
      case UPSERT -> {
        // An object larger than an event may carry (from another producer) is stored and enforced as
        // ingest would have published it: its stub, failing closed. Nothing larger reaches a changelog.
        ChangeEvent fitted = EventObjects.fit(e);
        EventObjects.Result r = EventObjects.decode(fitted, origin);
        if (!r.problems().isEmpty()) {
          deadLetter(record, meta, r.problems());
        }
        if (r.object() == null) {
          return; // unusable: the previous version (if any) stays in force
        }
        objects.put(ObjectStoreKeys.key(e.cluster(), e.kind(), e.namespace(), e.name()),
            fitted == e ? record.value() : EventCodec.encode(fitted));
        out.addAll(cc.apply(ClusterChange.upsert(r.object())));
      }
      case DELETE -> {
        objects.delete(ObjectStoreKeys.key(e.cluster(), e.kind(), e.namespace(), e.name()));
        out.addAll(cc.apply(ClusterChange.delete(kind, key(kind, e.namespace(), e.name()))));
      }
      case GENERATION_END -> out.addAll(sweep(cc, e, kind));
      case HEARTBEAT -> throw new IllegalStateException("heartbeats are handled above");
    }
    forward(e, meta, record.timestamp(), out);
  }

  /** Deletes every object of (cluster, kind) last published in a generation older than the marker's. */
  private List<PartitionRouter.Routed> sweep(ClusterCompilation cc, ChangeEvent marker, Kind kind) {
    String prefix = ObjectStoreKeys.prefix(marker.cluster(), marker.kind());
    List<String> stale = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = objects.prefixScan(prefix, new org.apache.kafka.common.serialization.StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        try {
          if (EventCodec.decode(kv.value).generation() < marker.generation()) {
            stale.add(kv.key);
          }
        } catch (EventFormatException ex) {
          stale.add(kv.key);
        }
      }
    }
    List<PartitionRouter.Routed> out = new ArrayList<>();
    for (String k : stale) {
      String[] parts = k.split(String.valueOf(ObjectStoreKeys.SEP), -1);
      objects.delete(k);
      out.addAll(cc.apply(ClusterChange.delete(kind, key(kind, parts[2], parts[3]))));
    }
    if (!stale.isEmpty()) {
      LOG.info("cluster {}: generation {} of {} swept {} objects deleted while ingest was away",
          marker.cluster(), marker.generation(), marker.kind(), stale.size());
    }
    return out;
  }

  private static ObjectKey key(Kind kind, String namespace, String name) {
    return kind == Kind.NAMESPACE || kind == Kind.NODE ? new ObjectKey("", name) : new ObjectKey(namespace, name);
  }

  private void forward(ChangeEvent e, RecordMetadata meta, long timestamp, List<PartitionRouter.Routed> out) {
    for (PartitionRouter.Routed r : out) {
      RecordHeaders h = new RecordHeaders();
      h.add(FactHeaders.CLUSTER, e.cluster().getBytes(StandardCharsets.UTF_8));
      h.add(FactHeaders.SOURCE_PARTITION, Integer.toString(meta.partition()).getBytes(StandardCharsets.UTF_8));
      h.add(FactHeaders.SOURCE_OFFSET, Long.toString(meta.offset()).getBytes(StandardCharsets.UTF_8));
      h.add(FactHeaders.OBSERVED_AT, e.observedAt().toString().getBytes(StandardCharsets.UTF_8));
      RoutedFactKey key = new RoutedFactKey(e.cluster(), r.change().key(), r.partitions());
      Fact value = r.change().value();
      context.forward(new Record<Object, Object>(key, value, timestamp, h), EngineTopology.NODE_FACTS_SINK);
    }
  }

  private void deadLetter(Record<String, byte[]> record, RecordMetadata meta, String reason) {
    deadLetters.record();
    byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
    byte[] value = record.value();
    if (value != null && value.length > DeadLetter.MAX_VALUE_BYTES) {
      // A dead letter must fit a record too: the original stays in the event log at the offset named.
      reason = "(the original value, " + value.length + " bytes, is not copied: read it at " + meta.topic() + "-"
          + meta.partition() + "@" + meta.offset() + ") " + reason;
      value = null;
    }
    DeadLetter d = new DeadLetter(key, value, reason, meta.topic(), meta.partition(), meta.offset());
    LOG.warn("dead letter {}-{}@{}: {}", meta.topic(), meta.partition(), meta.offset(), d.reason());
    context.forward(new Record<Object, Object>(d.key(), d.value(), record.timestamp(), d.headers()),
        EngineTopology.DEAD_LETTER_SINK);
  }
}
