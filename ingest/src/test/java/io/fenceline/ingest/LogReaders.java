package io.fenceline.ingest;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.FactFormatException;
import io.fenceline.core.facts.FactKey;
import io.fenceline.core.facts.FactTable;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.facts.SetEntry;
import io.fenceline.kafka.topics.NodePartitions;
import io.fenceline.kafka.topics.Topics;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** read_committed readers of the two topics, from the beginning. */
final class LogReaders {
  private LogReaders() {}

  private static KafkaConsumer<String, byte[]> consumer(String topic, int partitions) {
    return consumer(Map.of(topic, partitions));
  }

  /** One consumer of every partition of each topic given (topic → its partition count). */
  private static KafkaConsumer<String, byte[]> consumer(Map<String, Integer> topics) {
    KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ItEnvironment.get().bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> tps = new ArrayList<>();
    topics.forEach(
        (topic, partitions) -> {
          for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
          }
        });
    c.assign(tps);
    c.seekToBeginning(tps);
    return c;
  }

  /**
   * Polls until {@code consumer} has read up to the end of every partition as it is now (one short
   * poll can come back empty under load), for at most 30 s.
   */
  private static void readToEnd(KafkaConsumer<String, byte[]> consumer, Runnable pollOnce) {
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    do {
      pollOnce.run();
    } while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())
        && System.nanoTime() < deadline);
  }

  /** Every committed event of {@code fenceline.events}, by cluster, in log order. */
  static final class Events implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer =
        consumer(Topics.EVENTS, ItEnvironment.EVENT_PARTITIONS);
    private final Map<String, List<ChangeEvent>> byCluster = new HashMap<>();
    final List<String> keyMismatches = new ArrayList<>();

    synchronized List<ChangeEvent> of(String cluster) {
      poll();
      return List.copyOf(byCluster.getOrDefault(cluster, List.of()));
    }

    private void poll() {
      readToEnd(consumer, this::pollOnce);
    }

    private void pollOnce() {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        try {
          ChangeEvent e = EventCodec.decode(r.value());
          if (!e.cluster().equals(r.key())) {
            keyMismatches.add(r.key() + " != " + e.cluster());
          }
          byCluster.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(e);
        } catch (Exception ex) {
          throw new AssertionError(ex);
        }
      }
    }

    @Override
    public void close() {
      consumer.close();
    }
  }

  /**
   * {@code fenceline.node-facts} folded into one FactTable per (partition, cluster), each with its
   * cluster's members of {@code fenceline.set-members} folded in, as appliers hold it.
   */
  static final class Facts implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer =
        consumer(
            Map.of(
                Topics.NODE_FACTS,
                ItEnvironment.FACT_PARTITIONS,
                Topics.SET_MEMBERS,
                ItEnvironment.EVENT_PARTITIONS));
    private final Map<String, FactTable> tables = new HashMap<>();

    /** Per cluster, the set members in force, for the partition tables created after them. */
    private final Map<String, Map<FactKey, FactChange>> members = new HashMap<>();

    private final Set<String> clusters = new TreeSet<>();

    synchronized NodeModel node(String cluster, String node) {
      poll();
      int p = NodePartitions.partitionOf(cluster, node, ItEnvironment.FACT_PARTITIONS);
      return table(p, cluster).nodeModel(node);
    }

    private FactTable table(int partition, String cluster) {
      return tables.computeIfAbsent(
          partition + "|" + cluster,
          k -> {
            FactTable t = new FactTable();
            members.getOrDefault(cluster, Map.of()).values().forEach(t::apply);
            return t;
          });
    }

    /** Pod keys bound on {@code node}. */
    List<String> bindings(String cluster, String node) {
      return node(cluster, node).bindings().stream().map(b -> b.pod().toString()).toList();
    }

    /** Every set member the node's chains use (as ipset text). */
    Set<String> members(String cluster, String node) {
      Set<String> out = new TreeSet<>();
      node(cluster, node)
          .sets()
          .values()
          .forEach(s -> s.stream().map(SetEntry::ipsetText).forEach(out::add));
      return out;
    }

    synchronized Set<String> clusters() {
      poll();
      return Set.copyOf(clusters);
    }

    private void poll() {
      readToEnd(consumer, this::pollOnce);
    }

    private void pollOnce() {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        try {
          FactCodec.Decoded d = FactCodec.decode(r.key(), r.value());
          clusters.add(d.cluster());
          FactChange c = new FactChange(d.key(), d.value());
          if (r.topic().equals(Topics.SET_MEMBERS)) {
            Map<FactKey, FactChange> current =
                members.computeIfAbsent(d.cluster(), k -> new HashMap<>());
            if (c.isRemoval()) {
              current.remove(c.key());
            } else {
              current.put(c.key(), c);
            }
            tables.forEach(
                (k, t) -> {
                  if (k.endsWith("|" + d.cluster())) {
                    t.apply(c);
                  }
                });
          } else {
            table(r.partition(), d.cluster()).apply(c);
          }
        } catch (FactFormatException e) {
          throw new AssertionError(e.getMessage(), e);
        }
      }
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
