package io.fenceline.it.conformance;

import io.fenceline.kafka.topics.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a {@code read_committed} reader of {@code fenceline.node-facts} or {@code
 * fenceline.set-members} is held back: a partition whose last stable offset is below its high
 * watermark has an open transaction (the engine is the only transactional writer), and a {@code
 * read_committed} applier sees nothing past it until the transaction is committed or aborted.
 */
final class ChaosOpenTransactions implements AutoCloseable {
  private final Admin admin;
  private final List<TopicPartition> partitions;

  ChaosOpenTransactions(String bootstrap, int nodeFactPartitions, int setMemberPartitions) {
    admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                5000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                4000));
    List<TopicPartition> all = new java.util.ArrayList<>();
    for (int p = 0; p < nodeFactPartitions; p++) {
      all.add(new TopicPartition(Topics.NODE_FACTS, p));
    }
    for (int p = 0; p < setMemberPartitions; p++) {
      all.add(new TopicPartition(Topics.SET_MEMBERS, p));
    }
    partitions = List.copyOf(all);
  }

  /**
   * Partitions whose last stable offset is below the high watermark; empty when none is held back.
   */
  List<TopicPartition> heldBack() throws InterruptedException {
    try {
      Map<TopicPartition, Long> stable = ends(IsolationLevel.READ_COMMITTED);
      Map<TopicPartition, Long> high = ends(IsolationLevel.READ_UNCOMMITTED);
      return partitions.stream().filter(tp -> stable.get(tp) < high.get(tp)).toList();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot list the offsets of " + partitions + ": " + e, e);
    }
  }

  private Map<TopicPartition, Long> ends(IsolationLevel level)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, Long> out = new HashMap<>();
    admin
        .listOffsets(request, new ListOffsetsOptions(level))
        .all()
        .get(10, TimeUnit.SECONDS)
        .forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  @Override
  public void close() {
    admin.close();
  }
}
