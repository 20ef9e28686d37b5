package io.fenceline.cli.io;

import io.fenceline.kafka.topics.Topics;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The partition counts of the topics a command creates (a picocli mixin): {@code
 * --event-partitions} and {@code --node-facts-partitions}; retention stays the default.
 */
public final class PartitionOptions {
  @Option(
      names = "--event-partitions",
      defaultValue = "6",
      description = "Partitions of fenceline.events when creating it (default: ${DEFAULT-VALUE}).")
  int eventPartitions;

  @Mixin NodeFactsPartitions nodeFacts;

  public Topics.Layout layout() {
    Topics.Layout defaults = Topics.Layout.defaults();
    return new Topics.Layout(
        eventPartitions,
        nodeFacts.count(),
        defaults.eventRetentionMs(),
        defaults.deadLetterRetentionMs());
  }
}
