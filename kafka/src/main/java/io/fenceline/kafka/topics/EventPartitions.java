package io.fenceline.kafka.topics;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The cluster → partition mapping of {@code fenceline.events}: the producer's default partitioner
 * applied to the record key, which is the cluster id. Every reader that needs "the partition
 * holding cluster X" (forensics, status) asks here.
 */
public final class EventPartitions {
  private EventPartitions() {}

  public static int partitionOf(String cluster, int partitions) {
    return Utils.toPositive(Utils.murmur2(cluster.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
