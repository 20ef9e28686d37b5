package io.fenceline.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.core.manifest.SourceLocation;
import io.fenceline.engine.Engine;
import io.fenceline.engine.EngineConfig;
import io.fenceline.kafka.topics.NodePartitions;
import io.fenceline.kafka.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine on a real (embedded KRaft) broker with several node-facts partitions: multicast and
 * tombstone routing, exactly-once output read with read_committed, and a restart that restores from
 * the changelog into a fresh state directory and continues with identical output.
 */
class EngineOnBrokerIT {
  private static final int PARTITIONS = 4;
  private static final int EVENT_PARTITIONS = 2;
  @TempDir static Path dir;
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static EngineConfig config(String stateDir) {
    Topics.Layout d = Topics.Layout.defaults();
    return new EngineConfig(
        kafka.bootstrapServers(),
        "engine-it",
        dir.resolve(stateDir),
        new Topics.Layout(
            EVENT_PARTITIONS, PARTITIONS, d.eventRetentionMs(), d.deadLetterRetentionMs()),
        Map.of());
  }

  private static void publish(List<ChangeEvent> events) {
    Map<String, Object> p =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (ChangeEvent e : events) {
        producer.send(new ProducerRecord<>(Topics.EVENTS, e.cluster(), EventCodec.encode(e)));
      }
      producer.flush();
    }
  }

  /** Reads node-facts read_committed from the beginning of every partition into fresh folds. */
  private static final class FactsReader implements AutoCloseable {
    final KafkaConsumer<String, byte[]> consumer;
    final FactsFold fold = new FactsFold();
    final Map<Integer, Integer> recordsPerPartition = new HashMap<>();
    int tombstones;
    int records;

    FactsReader() {
      consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  kafka.bootstrapServers(),
                  ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                  "read_committed",
                  ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                  false),
              new StringDeserializer(),
              new ByteArrayDeserializer());
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        tps.add(new TopicPartition(Topics.NODE_FACTS, p));
      }
      for (int p = 0; p < EVENT_PARTITIONS; p++) {
        tps.add(new TopicPartition(Topics.SET_MEMBERS, p));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
    }

    void poll() {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        fold.apply(r);
        recordsPerPartition.merge(r.partition(), 1, Integer::sum);
        records++;
        if (r.value() == null) {
          tombstones++;
        }
      }
    }

    @Override
    public void close() {
      consumer.close();
    }
  }

  private static CompiledCluster fromScratch(List<ChangeEvent> objects) {
    List<RawObject> raws = new ArrayList<>();
    objects.forEach(e -> raws.add(new RawObject(e.object(), new SourceLocation("final", 1))));
    return CompiledCluster.fromScratch(Manifests.asUpserts(Manifests.decode(raws)));
  }

  /** The first history whose final state has a chain used by nodes of two partitions. */
  private static long seedWithAChainSharedAcrossPartitions() {
    for (long seed = 1; seed < 1000; seed++) {
      CompiledCluster c = fromScratch(new ClusterHistory(seed).finalState());
      Map<String, Set<Integer>> where = new HashMap<>();
      for (String node : c.nodes()) {
        int p = NodePartitions.partitionOf(ClusterHistory.CLUSTER, node, PARTITIONS);
        c.nodeModel(node)
            .chains()
            .keySet()
            .forEach(id -> where.computeIfAbsent(id, k -> new TreeSet<>()).add(p));
      }
      if (where.values().stream().anyMatch(ps -> ps.size() > 1)) {
        return seed;
      }
    }
    throw new IllegalStateException("no history with a chain shared across partitions");
  }

  private static String anyNodeOf(CompiledCluster c, int partition, String chainId) {
    return c.nodes().stream()
        .filter(n -> NodePartitions.partitionOf(ClusterHistory.CLUSTER, n, PARTITIONS) == partition)
        .filter(n -> c.nodeModel(n).chains().containsKey(chainId))
        .findFirst()
        .orElseThrow();
  }

  private static boolean matches(FactsReader reader, CompiledCluster expected) {
    reader.poll();
    for (String node : expected.nodes()) {
      int p = NodePartitions.partitionOf(ClusterHistory.CLUSTER, node, PARTITIONS);
      if (!reader
          .fold
          .table(p, ClusterHistory.CLUSTER)
          .nodeModel(node)
          .equals(expected.nodeModel(node))) {
        return false;
      }
    }
    return true;
  }

  @Test
  void factsAreMulticastToThePartitionsThatNeedThemAndSurviveARestart() {
    long seed = seedWithAChainSharedAcrossPartitions();
    ClusterHistory h = new ClusterHistory(seed);
    List<ChangeEvent> history = h.interleave(seed);
    int half = history.size() / 2;
    CompiledCluster finalState = fromScratch(h.finalState());
    Set<Integer> nodePartitions = new TreeSet<>();
    finalState
        .nodes()
        .forEach(
            n ->
                nodePartitions.add(
                    NodePartitions.partitionOf(ClusterHistory.CLUSTER, n, PARTITIONS)));
    assertThat(nodePartitions)
        .as("the history's nodes spread over several partitions")
        .hasSizeGreaterThan(1);

    try (FactsReader reader = new FactsReader()) {
      try (Engine ignored = Engine.start(config("state-a"))) {
        publish(history.subList(0, half));
        // The first half's final objects, as a from-scratch compile would see them.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  reader.poll();
                  return reader.records > 0;
                });
        await()
            .pollDelay(Duration.ofMillis(500))
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  int before = reader.records;
                  reader.poll();
                  return reader.records == before;
                });
      }
      int beforeRestart = reader.records;

      // A new engine instance with an EMPTY state directory: it must restore its objects from the
      // changelog, rebuild its indexes, and write nothing for events it already processed.
      try (Engine engine = Engine.start(config("state-b"))) {
        await()
            .pollDelay(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(60))
            .until(() -> engine.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING);
        reader.poll();
        assertThat(reader.records)
            .as("records written by a restart without new events")
            .isEqualTo(beforeRestart);

        publish(history.subList(half, history.size()));
        await().atMost(Duration.ofSeconds(60)).until(() -> matches(reader, finalState));
      }
      // A chain used by nodes of several partitions was written to each of them.
      Map<String, Set<Integer>> chainPartitions = new HashMap<>();
      for (String node : finalState.nodes()) {
        int p = NodePartitions.partitionOf(ClusterHistory.CLUSTER, node, PARTITIONS);
        finalState
            .nodeModel(node)
            .chains()
            .keySet()
            .forEach(id -> chainPartitions.computeIfAbsent(id, k -> new TreeSet<>()).add(p));
      }
      assertThat(chainPartitions.values())
          .as("some chain is shared across partitions")
          .anyMatch(ps -> ps.size() > 1);
      for (Map.Entry<String, Set<Integer>> e : chainPartitions.entrySet()) {
        for (int p : e.getValue()) {
          assertThat(
                  reader
                      .fold
                      .table(p, ClusterHistory.CLUSTER)
                      .nodeModel(anyNodeOf(finalState, p, e.getKey()))
                      .chains())
              .containsKey(e.getKey());
        }
      }

      // Delete every policy: bindings, chains and members are tombstoned in every partition.
      List<ChangeEvent> deletes = new ArrayList<>();
      for (ChangeEvent e : h.finalState()) {
        if (e.kind().equals("NetworkPolicy")) {
          deletes.add(
              ChangeEvent.delete(
                  e.cluster(),
                  e.kind(),
                  e.namespace(),
                  e.name(),
                  null,
                  null,
                  e.observedAt().plusSeconds(600),
                  1));
        }
      }
      try (Engine ignored = Engine.start(config("state-b"))) {
        publish(deletes);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  reader.poll();
                  for (int p = 0; p < PARTITIONS; p++) {
                    var t = reader.fold.table(p, ClusterHistory.CLUSTER);
                    if (t.bindingCount() + t.chainCount() + t.memberCount() > 0) {
                      return false;
                    }
                  }
                  return true;
                });
      }
      assertThat(reader.tombstones).isPositive();
    }
  }
}
