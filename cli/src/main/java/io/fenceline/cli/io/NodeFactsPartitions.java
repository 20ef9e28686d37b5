package io.fenceline.cli.io;

import picocli.CommandLine.Option;

/**
 * {@code --node-facts-partitions} (a picocli mixin): how many partitions fenceline.node-facts has.
 */
public final class NodeFactsPartitions {
  @Option(
      names = "--node-facts-partitions",
      defaultValue = "12",
      description =
          "Partitions of fenceline.node-facts when creating it (must match an existing topic; default: ${DEFAULT-VALUE}).")
  int nodeFactPartitions;

  public int count() {
    return nodeFactPartitions;
  }
}
