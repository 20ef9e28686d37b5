package io.fenceline.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.FactTable;
import io.fenceline.core.facts.PartitionRouter;
import io.fenceline.core.manifest.ManifestSyntaxException;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.core.manifest.SourceLocation;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.kafka.topics.NodePartitions;
import io.fenceline.kafka.topics.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Differential: one cluster history (creates, relabels, IP reuse after a pod finishes, deletes,
 * policy edits, namespace relabels), fed in several random orders that keep per-object order, folds
 * into exactly the facts of a from-scratch compile of the final state, for every node.
 */
class DifferentialTest {
  private static final int PARTITIONS = 5;
  @TempDir Path state;

  private static CompiledCluster fromScratch(List<ChangeEvent> objects) {
    List<RawObject> raws = new ArrayList<>();
    for (ChangeEvent e : objects) {
      raws.add(new RawObject(e.object(), new SourceLocation("final", 1)));
    }
    return CompiledCluster.fromScratch(Manifests.asUpserts(Manifests.decode(raws)));
  }

  private static ClusterChange change(ChangeEvent e) {
    Kind kind = Kind.fromApiName(e.kind());
    if (e.object() == null) {
      return ClusterChange.delete(kind, new ObjectKey(e.namespace(), e.name()));
    }
    return ClusterChange.upsert(
        io.fenceline.core.events.EventObjects.decode(e, "history").object());
  }

  @ParameterizedTest(
      name = "history seed {0}, through the router into " + PARTITIONS + " partitions")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void everyPartitionHoldsExactlyWhatItsNodesNeed(long seed) {
    ClusterHistory h = new ClusterHistory(seed);
    CompiledCluster expected = fromScratch(h.finalState());
    for (long order = 0; order < 4; order++) {
      ClusterCompilation cc = new ClusterCompilation(ClusterHistory.CLUSTER, PARTITIONS);
      Map<Integer, FactTable> partitions = new HashMap<>();
      List<FactChange> shared = new ArrayList<>();
      for (ChangeEvent e : h.interleave(seed * 100 + order)) {
        for (PartitionRouter.Routed r : cc.apply(change(e))) {
          if (r.shared()) {
            assertThat(r.partitions()).isEmpty();
            shared.add(r.change());
          }
          for (int p : r.partitions()) {
            partitions.computeIfAbsent(p, k -> new FactTable()).apply(r.change());
          }
        }
      }
      // Every applier folds its cluster's set members (written once) beside its node partition.
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.computeIfAbsent(p, k -> new FactTable()).apply(shared);
      }
      for (String node : expected.nodes()) {
        int p = NodePartitions.partitionOf(ClusterHistory.CLUSTER, node, PARTITIONS);
        assertThat(partitions.getOrDefault(p, new FactTable()).nodeModel(node))
            .as("seed %d order %d node %s (partition %d)", seed, order, node, p)
            .isEqualTo(expected.nodeModel(node));
      }
      // Nothing is left in a partition that none of its nodes needs.
      for (Map.Entry<Integer, FactTable> e : partitions.entrySet()) {
        FactTable t = e.getValue();
        int needed = 0;
        for (String node : expected.nodes()) {
          if (NodePartitions.partitionOf(ClusterHistory.CLUSTER, node, PARTITIONS) == e.getKey()) {
            needed += t.nodeModel(node).chains().size();
          }
        }
        assertThat(t.chainCount())
            .as("chains in partition %d", e.getKey())
            .isLessThanOrEqualTo(needed);
      }
    }
  }

  @ParameterizedTest(
      name = "history seed {0}, through the processor, with an ingest restart that sweeps")
  @ValueSource(longs = {11, 12, 13, 14})
  void processorOutputFoldsIntoTheFromScratchCompile(long seed) throws ManifestSyntaxException {
    ClusterHistory h = new ClusterHistory(seed);
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "diff");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, state.resolve("s" + seed).toString());
    try (TopologyTestDriver driver = new TopologyTestDriver(EngineTopology.build(1), p)) {
      TestInputTopic<String, byte[]> in =
          driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer());
      TestOutputTopic<String, byte[]> out =
          driver.createOutputTopic(
              Topics.NODE_FACTS, new StringDeserializer(), new ByteArrayDeserializer());
      TestOutputTopic<String, byte[]> sets =
          driver.createOutputTopic(
              Topics.SET_MEMBERS, new StringDeserializer(), new ByteArrayDeserializer());
      for (ChangeEvent e : h.interleave(seed)) {
        in.pipeInput(e.cluster(), EventCodec.encode(e));
      }
      // Ingest restarts: it relists everything in generation 2, but two objects were deleted while
      // it was away and are not republished; the end markers sweep them.
      List<ChangeEvent> live = h.finalState();
      List<ChangeEvent> republished = new ArrayList<>(live.subList(0, live.size() - 2));
      for (ChangeEvent e : republished) {
        in.pipeInput(
            e.cluster(),
            EventCodec.encode(
                ChangeEvent.upsert(
                    e.cluster(),
                    e.kind(),
                    e.namespace(),
                    e.name(),
                    null,
                    null,
                    e.observedAt().plusSeconds(60),
                    2,
                    e.object())));
      }
      for (Kind k : Kind.values()) {
        in.pipeInput(
            ClusterHistory.CLUSTER,
            EventCodec.encode(
                ChangeEvent.generationEnd(
                    ClusterHistory.CLUSTER, k.apiName(), EventFixtures.T0.plusSeconds(120), 2)));
      }
      FactsFold fold = new FactsFold();
      sets.readRecordsToList().forEach(r -> fold.applyShared(r.key(), r.value()));
      out.readRecordsToList().forEach(r -> fold.apply(0, r.key(), r.value()));
      CompiledCluster expected = fromScratch(republished);
      for (String node : expected.nodes()) {
        assertThat(fold.table(0, ClusterHistory.CLUSTER).nodeModel(node))
            .as("node %s", node)
            .isEqualTo(expected.nodeModel(node));
      }
      assertThat(fold.table(0, ClusterHistory.CLUSTER).chainCount())
          .isEqualTo(expected.facts().chainCount());
      assertThat(fold.table(0, ClusterHistory.CLUSTER).memberCount())
          .isEqualTo(expected.facts().memberCount());
    }
  }
}
