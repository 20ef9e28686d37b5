package io.fenceline.kafka.topics;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The node → partition hash of {@code fenceline.node-facts}, shared by the engine (which writes a
 * node's facts there) and the node's applier (which reads only that partition). Never change it:
 * appliers and engine of different versions must agree.
 */
public final class NodePartitions {
  private NodePartitions() {}

  public static int partitionOf(String cluster, String node, int partitions) {
    byte[] key = (cluster + "/" + node).getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
  }
}
