package io.fenceline.applier.status;

import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.FactFormatException;
import io.fenceline.core.facts.FactTable;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.kafka.topics.DeadLetterHeaders;
import io.fenceline.kafka.topics.EngineProgress;
import io.fenceline.kafka.topics.PolicyWarnings;
import io.fenceline.kafka.topics.Receipt;
import io.fenceline.kafka.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Answers "is my policy enforced yet?": the latest receipt of every node, whether each is current
 * (it applied its partition of node-facts up to the read_committed end), and optionally which nodes
 * a policy concerns (nodes with a pod bound to one of its chains).
 */
public final class StatusQuery implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, Object> adminProps;
  private Admin admin;

  public StatusQuery(String bootstrapServers) {
    this(bootstrapServers, Map.of());
  }

  /** With standard Kafka client properties (TLS, SASL, ...). */
  public StatusQuery(String bootstrapServers, Map<String, Object> clientProperties) {
    Map<String, Object> props = new java.util.HashMap<>(clientProperties);
    props.putAll(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            // a query must never create a topic with the broker's defaults
            ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
            false));
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    adminProps = new java.util.HashMap<>(clientProperties);
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
  }

  /**
   * The engine's progress on every partition of {@code fenceline.events} ({@link EngineProgress}),
   * or null when the topic does not exist.
   */
  public List<EngineProgress.Partition> engineProgress(String engineApplicationId)
      throws ExecutionException, InterruptedException, TimeoutException {
    if (admin == null) {
      admin = Admin.create(adminProps);
    }
    try {
      return EngineProgress.read(admin, engineApplicationId, Duration.ofSeconds(30));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return null;
      }
      throw e;
    }
  }

  /**
   * Every record of {@code fenceline.dead-letter} (none when the topic does not exist), in offset
   * order.
   */
  public List<DeadLetterRecord> deadLetters() {
    List<DeadLetterRecord> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : readAll(Topics.DEAD_LETTER)) {
      String partition = header(r, DeadLetterHeaders.SOURCE_PARTITION);
      String offset = header(r, DeadLetterHeaders.SOURCE_OFFSET);
      out.add(
          new DeadLetterRecord(
              r.key(),
              String.valueOf(header(r, DeadLetterHeaders.REASON)),
              header(r, DeadLetterHeaders.SOURCE_TOPIC),
              parse(partition, Integer::valueOf),
              parse(offset, Long::valueOf),
              Instant.ofEpochMilli(r.timestamp()),
              r.offset()));
    }
    return out;
  }

  /**
   * The policy warnings in force (the latest record per key of {@code fenceline.policy-warnings},
   * tombstones clearing), by key; none when the topic does not exist.
   */
  public List<PolicyWarnings.Warning> policyWarnings() {
    Map<String, PolicyWarnings.Warning> latest = new TreeMap<>();
    for (ConsumerRecord<String, byte[]> r : readAll(Topics.POLICY_WARNINGS)) {
      PolicyWarnings.Warning w = PolicyWarnings.of(r.key(), r.value());
      if (w == null) {
        latest.remove(r.key());
      } else {
        latest.put(r.key(), w);
      }
    }
    return List.copyOf(latest.values());
  }

  private static String header(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static <T> T parse(String s, java.util.function.Function<String, T> f) {
    try {
      return s == null ? null : f.apply(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Latest status per {@code cluster/node}, sorted. */
  public List<NodeStatus> nodes() {
    Map<String, Receipt> latest = new TreeMap<>();
    for (ConsumerRecord<String, byte[]> r : readAll(Topics.NODE_STATUS)) {
      if (r.value() == null) {
        latest.remove(r.key());
        continue;
      }
      try {
        latest.put(r.key(), Receipt.decode(r.value()));
      } catch (IOException e) {
        // an unreadable receipt (newer version): skip it
      }
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    List<NodeStatus> out = new ArrayList<>();
    List<org.apache.kafka.common.PartitionInfo> sets = consumer.partitionsFor(Topics.SET_MEMBERS);
    int setPartitions = sets == null ? 0 : sets.size();
    for (Receipt r : latest.values()) {
      TopicPartition tp = new TopicPartition(Topics.NODE_FACTS, r.partition());
      long end = ends.computeIfAbsent(tp, t -> consumer.endOffsets(List.of(t)).get(t));
      long setsEnd = 0;
      if (setPartitions > 0) {
        TopicPartition sp =
            new TopicPartition(
                Topics.SET_MEMBERS,
                r.setsPartition() >= 0
                    ? r.setsPartition()
                    : Topics.setPartitionOf(r.cluster(), setPartitions));
        setsEnd = ends.computeIfAbsent(sp, t -> consumer.endOffsets(List.of(t)).get(t));
      }
      out.add(new NodeStatus(r, end, setsEnd, r.result().equals("ok") && r.reflects(end, setsEnd)));
    }
    return out;
  }

  /** {@code cluster/node} of every node with a pod the policy selects. */
  public Set<String> nodesOf(String cluster, ObjectKey policy) {
    Map<Integer, FactTable> tables = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : readAll(Topics.NODE_FACTS)) {
      try {
        FactCodec.Decoded d = FactCodec.decode(r.key(), r.value());
        if (d.cluster().equals(cluster)) {
          tables
              .computeIfAbsent(r.partition(), p -> new FactTable())
              .apply(new FactChange(d.key(), d.value()));
        }
      } catch (FactFormatException e) {
        // skip
      }
    }
    Set<String> out = new TreeSet<>();
    for (FactTable t : tables.values()) {
      for (String node : t.nodesWithBindings()) {
        var model = t.nodeModel(node);
        for (PodBindingFact b : model.bindings()) {
          for (String id : b.allChains()) {
            PolicyChainFact c = model.chains().get(id);
            if (c != null && c.policy().equals(policy)) {
              out.add(cluster + "/" + node);
            }
          }
        }
      }
    }
    return out;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private List<ConsumerRecord<String, byte[]>> readAll(String topic) {
    List<TopicPartition> tps = new ArrayList<>();
    List<org.apache.kafka.common.PartitionInfo> infos =
        consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      return List.of(); // the topic does not exist (yet)
    }
    infos.forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
    consumer.assign(tps);
    consumer.seekToBeginning(tps);
    Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
      consumer.poll(Duration.ofMillis(200)).forEach(out::add);
    }
    return out;
  }

  @Override
  public void close() {
    consumer.close();
    if (admin != null) {
      admin.close();
    }
  }
}
