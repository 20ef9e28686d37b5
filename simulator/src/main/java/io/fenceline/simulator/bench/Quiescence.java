package io.fenceline.simulator.bench;

import io.fenceline.kafka.topics.EngineProgress;
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
import org.apache.kafka.common.TopicPartition;

/**
 * Knows when the pipeline is quiet: every published event committed, the engine's committed offsets
 * at the end of {@code fenceline.events}, every partition applier at the end (high watermark) of
 * its partition of {@code fenceline.node-facts}.
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

  /**
   * Events the engine has not committed yet, and node-facts records the appliers have not read yet.
   */
  long[] lag(List<PartitionApplier> appliers) throws ExecutionException, InterruptedException {
    Offsets o = offsets(appliers);
    var ends = o.ends();
    long engine = o.engine().stream().mapToLong(EngineProgress.Partition::lag).sum();
    long facts = 0;
    for (PartitionApplier a : appliers) {
      facts +=
          Math.max(
              0,
              ends.get(new TopicPartition(Topics.NODE_FACTS, a.partition())).offset()
                  - a.position());
      for (Map.Entry<TopicPartition, Long> sp : a.setPositions().entrySet()) {
        facts += Math.max(0, ends.get(sp.getKey()).offset() - sp.getValue());
      }
    }
    return new long[] {engine, facts};
  }

  private String whyNot(List<PartitionApplier> appliers)
      throws ExecutionException, InterruptedException {
    Offsets o = offsets(appliers);
    var ends = o.ends();
    for (EngineProgress.Partition p : o.engine()) {
      if (!p.current()) {
        return "engine: " + p.describe();
      }
    }
    for (PartitionApplier a : appliers) {
      long end = ends.get(new TopicPartition(Topics.NODE_FACTS, a.partition())).offset();
      if (a.position() < end) {
        return "appliers of node-facts partition "
            + a.partition()
            + " at "
            + a.position()
            + " of "
            + end;
      }
      for (Map.Entry<TopicPartition, Long> sp : a.setPositions().entrySet()) {
        long setEnd = ends.get(sp.getKey()).offset();
        if (sp.getValue() < setEnd) {
          return "appliers of node-facts partition "
              + a.partition()
              + " at "
              + sp.getValue()
              + " of "
              + setEnd
              + " in "
              + sp.getKey();
        }
      }
    }
    return null;
  }

  /**
   * The engine's progress on every events partition and the ends of the appliers' node-facts
   * partitions.
   */
  private record Offsets(
      List<EngineProgress.Partition> engine,
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends) {}

  private Offsets offsets(List<PartitionApplier> appliers)
      throws ExecutionException, InterruptedException {
    List<EngineProgress.Partition> engine;
    try {
      engine = EngineProgress.read(admin, engineApplicationId, Duration.ofSeconds(60));
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ExecutionException(e);
    }
    Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
    for (PartitionApplier a : appliers) {
      wanted.put(new TopicPartition(Topics.NODE_FACTS, a.partition()), OffsetSpec.latest());
      a.setPositions().keySet().forEach(sp -> wanted.put(sp, OffsetSpec.latest()));
    }
    var ends = admin.listOffsets(wanted).all().get();
    return new Offsets(engine, ends);
  }

  @Override
  public void close() {
    admin.close();
  }
}
