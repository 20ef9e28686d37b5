package io.fenceline.engine.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.compile.PolicyCompiler;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.events.EventFormatException;
import io.fenceline.core.events.EventType;
import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.PartitionRouter;
import io.fenceline.core.manifest.ObjectDecoder;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.core.manifest.SourceLocation;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.kafka.topics.NodePartitions;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What {@code CompileProcessor} does per event, without Kafka Streams and without its store: the
 * same compiler and router as {@code ClusterCompilation} (package-private there, so rebuilt here
 * from the same public parts), the same event decoding as {@code EventObjects}, and the same
 * key/value encoding as the node-facts sink's serializers.
 */
final class EnginePipeline {
  final PolicyCompiler compiler = new PolicyCompiler();
  final PartitionRouter router;
  long compileNanos;
  long routeNanos;
  long factChanges;
  long records;

  EnginePipeline(int partitions) {
    router =
        new PartitionRouter(
            node -> NodePartitions.partitionOf(BenchCluster.CLUSTER, node, partitions));
  }

  /** Compiles and routes one change, timing both halves. */
  List<PartitionRouter.Routed> apply(ClusterChange change) {
    long t0 = System.nanoTime();
    List<FactChange> facts = compiler.apply(change);
    long t1 = System.nanoTime();
    List<PartitionRouter.Routed> routed = router.route(facts);
    long t2 = System.nanoTime();
    compileNanos += t1 - t0;
    routeNanos += t2 - t1;
    factChanges += facts.size();
    for (PartitionRouter.Routed r : routed) {
      records += records(r);
    }
    return routed;
  }

  /**
   * Records one routed change writes: one to the set-members topic, or one per node-facts
   * partition.
   */
  static int records(PartitionRouter.Routed r) {
    return r.shared() ? 1 : r.partitions().size();
  }

  /**
   * The model change of an event, decoded as the processor decodes it (strict; the bench wants no
   * problems).
   */
  static ClusterChange decode(ChangeEvent e) {
    Kind kind = Kind.fromApiName(e.kind());
    if (e.type() == EventType.DELETE) {
      ObjectKey key =
          !kind.namespaced() ? new ObjectKey("", e.name()) : new ObjectKey(e.namespace(), e.name());
      return ClusterChange.delete(kind, key);
    }
    ObjectNode node = ((ObjectNode) e.object()).deepCopy();
    ObjectDecoder.Result r =
        ObjectDecoder.decode(new RawObject(node, new SourceLocation("bench", 1)));
    if (r.object() == null || !r.problems().isEmpty()) {
      throw new IllegalStateException(
          "generator produced an invalid "
              + e.kind()
              + " "
              + e.displayName()
              + ": "
              + r.problems());
    }
    return ClusterChange.upsert(r.object());
  }

  static ClusterChange decode(byte[] stored) {
    try {
      return decode(EventCodec.decode(stored));
    } catch (EventFormatException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** Bytes of one record's key as the sink writes it ({@code RoutedFactKey.serializer}). */
  static int keyBytes(FactChange c) {
    return FactCodec.keyText(BenchCluster.CLUSTER, c.key()).getBytes(StandardCharsets.UTF_8).length;
  }

  /** Bytes of one record's value ({@code FactSerde}): 0 for a tombstone. */
  static int valueBytes(FactChange c) {
    return c.value() == null ? 0 : FactCodec.encode(c.value()).length;
  }

  /**
   * Bytes of the four headers every fact record carries (as {@code CompileProcessor.forward} writes
   * them), for a source partition of one digit and an offset of seven.
   */
  static int headerBytes() {
    return "fenceline.cluster".length()
        + BenchCluster.CLUSTER.length()
        + "fenceline.source.partition".length()
        + 1
        + "fenceline.source.offset".length()
        + 7
        + "fenceline.observed-at".length()
        + "2026-11-26T10:00:00.123Z".length();
  }
}
