package io.fenceline.applier.status;

import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.FactFormatException;
import io.fenceline.core.facts.FactTable;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.kafka.topics.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Answers "is my policy enforced yet?": the latest receipt of every node, whether each is current
 * (it applied its partition of node-facts up to the read_committed end), and optionally which
 * nodes a policy concerns (nodes with a pod bound to one of its chains).
 */
public final class StatusQuery implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;

  public StatusQuery(String bootstrapServers) {
    this(bootstrapServers, Map.of());
  }

  /** With standard Kafka client properties (TLS, SASL, ...). */
  public StatusQuery(String bootstrapServers, Map<String, Object> clientProperties) {
    Map<String, Object> props = new java.util.HashMap<>(clientProperties);
    props.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
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
    for (Receipt r : latest.values()) {
      TopicPartition tp = new TopicPartition(Topics.NODE_FACTS, r.partition());
      long end = ends.computeIfAbsent(tp, t -> consumer.endOffsets(List.of(t)).get(t));
      out.add(new NodeStatus(r, end, r.result().equals("ok") && r.factsOffset() >= end));
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
          tables.computeIfAbsent(r.partition(), p -> new FactTable()).apply(new FactChange(d.key(), d.value()));
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
          for (String id : concat(b.ingressChains(), b.egressChains())) {
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
    consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
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
  }
}
