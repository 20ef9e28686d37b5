package io.fenceline.applier.status;

import io.fenceline.kafka.topics.EngineProgress;
import io.fenceline.kafka.topics.NodePartitions;
import io.fenceline.kafka.topics.Receipt;
import io.fenceline.kafka.topics.Topics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Knows when the pipeline has converged, from Kafka alone: the engine has committed every event,
 * and every node's latest receipt says it applied its partition up to the partition's
 * read_committed end. This is how `fenceline status` and `up --exit-when-converged` know it too.
 */
public final class ConvergenceCheck implements AutoCloseable {
  private final Admin admin;
  private final KafkaConsumer<String, byte[]> receipts;
  private final KafkaConsumer<String, byte[]> facts;
  private final Map<String, Receipt> latest = new HashMap<>();
  private final List<Receipt> all = new ArrayList<>();
  private final String engineApplicationId;

  public ConvergenceCheck(String bootstrap, String engineApplicationId) {
    this.engineApplicationId = engineApplicationId;
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    receipts = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    TopicPartition status = new TopicPartition(Topics.NODE_STATUS, 0);
    receipts.assign(List.of(status));
    receipts.seekToBeginning(List.of(status));
    // End offsets from a read_uncommitted consumer are high watermarks: a transaction whose commit
    // markers are not written yet still counts, so a just-committed publish cannot look converged.
    facts =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_uncommitted",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
  }

  /** Every receipt read so far, in order. */
  public List<Receipt> receipts() {
    poll();
    return all;
  }

  private void poll() {
    for (ConsumerRecord<String, byte[]> r : receipts.poll(Duration.ofMillis(100))) {
      try {
        Receipt receipt = Receipt.decode(r.value());
        latest.put(r.key(), receipt);
        all.add(receipt);
      } catch (IOException e) {
        throw new AssertionError("bad receipt " + r.key(), e);
      }
    }
  }

  /** Whether the pipeline has converged; see {@link #whyNot}. */
  public boolean converged(String cluster, List<String> nodes)
      throws ExecutionException, InterruptedException {
    return whyNot(cluster, nodes) == null;
  }

  /** Null when converged, else what is still missing (for a timeout message). */
  public String whyNot(String cluster, java.util.Collection<String> nodes)
      throws ExecutionException, InterruptedException {
    poll();
    // The engine has processed every event.
    try {
      for (EngineProgress.Partition p :
          EngineProgress.read(admin, engineApplicationId, Duration.ofSeconds(30))) {
        if (!p.current()) {
          return "the engine has not yet processed "
              + p.topicPartition()
              + " up to offset "
              + p.end()
              + " (committed: "
              + (p.committed() == null ? "nothing" : p.committed())
              + ")";
        }
      }
    } catch (java.util.concurrent.TimeoutException e) {
      return "the engine's progress could not be read in time: " + e;
    }
    // Every node applied its partition up to the read_committed end.
    int partitions = facts.partitionsFor(Topics.NODE_FACTS).size();
    List<org.apache.kafka.common.PartitionInfo> sets = facts.partitionsFor(Topics.SET_MEMBERS);
    if (sets == null || sets.isEmpty()) {
      return "topic " + Topics.SET_MEMBERS + " does not exist yet (the engine creates it)";
    }
    TopicPartition sp =
        new TopicPartition(Topics.SET_MEMBERS, Topics.setPartitionOf(cluster, sets.size()));
    long setsEnd = facts.endOffsets(List.of(sp)).get(sp);
    for (String node : nodes) {
      TopicPartition tp =
          new TopicPartition(
              Topics.NODE_FACTS, NodePartitions.partitionOf(cluster, node, partitions));
      long end = facts.endOffsets(List.of(tp)).get(tp);
      Receipt r = latest.get(cluster + "/" + node);
      if (r == null) {
        return "no receipt yet from node " + node;
      }
      if (!r.result().equals("ok")) {
        return "node " + node + " failed to apply: " + r.error();
      }
      if (r.factsOffset() < end) {
        return "node " + node + " applied " + tp + " up to " + r.factsOffset() + " of " + end;
      }
      if (r.setsOffset() < setsEnd) {
        return "node " + node + " applied " + sp + " up to " + r.setsOffset() + " of " + setsEnd;
      }
    }
    return null;
  }

  @Override
  public void close() {
    receipts.close();
    facts.close();
    admin.close();
  }
}
