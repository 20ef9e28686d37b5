package io.fenceline.engine.topology;

import io.fenceline.core.facts.Fact;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Multicasts a fact to the partitions its key carries (KIP-837): a chain or set member shared by
 * many nodes is written once per partition that needs it, not once per node.
 */
public final class FactPartitioner implements StreamPartitioner<RoutedFactKey, Fact> {
  @Override
  public Optional<Set<Integer>> partitions(
      String topic,
      RoutedFactKey key,
      Fact value,
      org.apache.kafka.common.header.Headers headers,
      int numPartitions) {
    return partitions(topic, key, value, numPartitions);
  }

  /** Kafka still requires this overload; the headers variant above is the one Streams calls. */
  @Override
  @SuppressWarnings("removal")
  public Optional<Set<Integer>> partitions(
      String topic, RoutedFactKey key, Fact value, int numPartitions) {
    for (int p : key.partitions()) {
      if (p < 0 || p >= numPartitions) {
        throw new IllegalStateException(
            "fact "
                + key.text()
                + " routed to partition "
                + p
                + " but "
                + topic
                + " has "
                + numPartitions
                + " partitions: the engine's configured partition count is wrong");
      }
    }
    return Optional.of(key.partitions());
  }
}
