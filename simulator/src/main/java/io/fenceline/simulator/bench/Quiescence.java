package io.fenceline.simulator.bench;

import io.fenceline.kafka.topics.Topics;
import io.fenceline.simulator.applier.PartitionApplier;
import io.fenceline.simulator.publish.FleetPublisher;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Knows when the pipeline is quiet: every published event committed, the engine's committed offsets
 * at the end of {@code fenceline.events}, every partition applier at the end (high watermark) of its
 * partition of {@code fenceline.node-facts}.
 */
final class Quiescence implements AutoCloseable {
  private final Admin admin;
  private final String engineApplicationId;

  Quiescence(String bootstrapServers, String engineApplicationId) {
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    this.engineApplicationId = engineApplicationId;
  }

  void await(FleetPublisher publisher, List<PartitionApplier> appliers, Duration timeout)
      throws InterruptedException, TimeoutException, ExecutionException {
    long deadline = System.nanoTime() + timeout.toNanos();
    publisher.awaitCommitted(timeout);
    String why;
    while ((why = whyNot(appliers)) != null) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("not quiet after " + timeout.toSeconds() + " s: " + why);
      }
      Thread.sleep(50);
    }
  }

  /** Events the engine has not committed yet, and node-facts records the appliers have not read yet. */
  long[] lag(List<PartitionApplier> appliers) throws ExecutionException, InterruptedException {
    Offsets o = offsets(appliers);
    int eventPartitions = o.eventPartitions();
    var ends = o.ends();
    var committed = o.committed();
    long engine = 0;
    for (int p = 0; p < eventPartitions; p++) {
      TopicPartition tp = new TopicPartition(Topics.EVENTS, p);
      OffsetAndMetadata c = committed.get(tp);
      engine += Math.max(0, ends.get(tp).offset() - (c == null ? 0 : c.offset()));
    }
    long facts = 0;
    for (PartitionApplier a : appliers) {
      facts += Math.max(0, ends.get(new TopicPartition(Topics.NODE_FACTS, a.partition())).offset() - a.position());
    }
    return new long[] {engine, facts};
  }

  private String whyNot(List<PartitionApplier> appliers) throws ExecutionException, InterruptedException {
    Offsets o = offsets(appliers);
    int eventPartitions = o.eventPartitions();
    var ends = o.ends();
    var committed = o.committed();
    for (int p = 0; p < eventPartitions; p++) {
      TopicPartition tp = new TopicPartition(Topics.EVENTS, p);
      long end = ends.get(tp).offset();
      OffsetAndMetadata c = committed.get(tp);
      if (end > 0 && (c == null || c.offset() < end)) {
        return "engine at " + (c == null ? "nothing" : c.offset()) + " of " + end + " in " + tp;
      }
    }
    for (PartitionApplier a : appliers) {
      long end = ends.get(new TopicPartition(Topics.NODE_FACTS, a.partition())).offset();
      if (a.position() < end) {
        return "appliers of node-facts partition " + a.partition() + " at " + a.position() + " of " + end;
      }
    }
    return null;
  }

  /** The ends of every events partition and of the appliers' node-facts partitions, and the engine's commits. */
  private record Offsets(int eventPartitions, Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends,
      Map<TopicPartition, OffsetAndMetadata> committed) {}

  private Offsets offsets(List<PartitionApplier> appliers) throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
    int eventPartitions = admin.describeTopics(List.of(Topics.EVENTS)).allTopicNames().get().get(Topics.EVENTS)
        .partitions().size();
    for (int p = 0; p < eventPartitions; p++) {
      wanted.put(new TopicPartition(Topics.EVENTS, p), OffsetSpec.latest());
    }
    for (PartitionApplier a : appliers) {
      wanted.put(new TopicPartition(Topics.NODE_FACTS, a.partition()), OffsetSpec.latest());
    }
    var ends = admin.listOffsets(wanted).all().get();
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(engineApplicationId).partitionsToOffsetAndMetadata().get();
    return new Offsets(eventPartitions, ends, committed);
  }

  @Override
  public void close() {
    admin.close();
  }
}
