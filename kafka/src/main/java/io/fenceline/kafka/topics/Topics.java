package io.fenceline.kafka.topics;

import java.util.List;
import java.util.Map;

/** fenceline's topics: one descriptor each (name, key and value meaning, configs). */
public final class Topics {
  /**
   * The event log: key = cluster id (a partition per cluster), value = {@code ChangeEvent} JSON.
   */
  public static final String EVENTS = "fenceline.events";

  /**
   * Node facts (bindings and policy chains), compacted: key = {@code <cluster>/<fact key>}, value =
   * fact JSON or tombstone; partitioned by node ({@link NodePartitions}).
   */
  public static final String NODE_FACTS = "fenceline.node-facts";

  /**
   * Set members, compacted, written once per cluster (docs/adr/0004): key = {@code <cluster>/<fact
   * key>}, value = fact JSON or tombstone; as many partitions as {@link #EVENTS}, a cluster's
   * members in the partition of its events ({@link #setPartitionOf}). Every applier of the cluster
   * reads it.
   */
  public static final String SET_MEMBERS = "fenceline.set-members";

  /**
   * Applier receipts, compacted: key = {@code <cluster>/<node>}, value = the latest receipt JSON.
   */
  public static final String NODE_STATUS = "fenceline.node-status";

  /** Bad input with the reason and its origin in headers. */
  public static final String DEAD_LETTER = "fenceline.dead-letter";

  /**
   * Warnings about policies that are in force (ClusterNetworkPolicies that share a tier and
   * priority), compacted: key = {@code <cluster>/<policy name>}, value = the warning (UTF-8) or a
   * tombstone when it no longer holds.
   */
  public static final String POLICY_WARNINGS = "fenceline.policy-warnings";

  private Topics() {}

  /** The partition of {@link #SET_MEMBERS} that holds {@code cluster}'s set members. */
  public static int setPartitionOf(String cluster, int setMemberPartitions) {
    return EventPartitions.partitionOf(cluster, setMemberPartitions);
  }

  /** The topic layout for a deployment. */
  /**
   * Receipts stay uncompacted this long, so {@code fenceline rules --at T} can say what a node had
   * then.
   */
  public static final long RECEIPT_HISTORY_MS = 7L * 24 * 3600 * 1000;

  public record Layout(
      int eventPartitions,
      int nodeFactPartitions,
      long eventRetentionMs,
      long deadLetterRetentionMs) {
    public static Layout defaults() {
      return new Layout(6, 12, 30L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000);
    }

    public List<TopicSpec> specs() {
      return List.of(
          new TopicSpec(
              EVENTS,
              eventPartitions,
              Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(eventRetentionMs))),
          new TopicSpec(
              NODE_FACTS,
              nodeFactPartitions,
              Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0")),
          new TopicSpec(
              SET_MEMBERS,
              eventPartitions,
              Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0")),
          new TopicSpec(
              NODE_STATUS,
              1,
              Map.of(
                  "cleanup.policy",
                  "compact",
                  "min.compaction.lag.ms",
                  Long.toString(RECEIPT_HISTORY_MS))),
          new TopicSpec(
              POLICY_WARNINGS,
              1,
              Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0")),
          new TopicSpec(
              DEAD_LETTER,
              1,
              Map.of(
                  "cleanup.policy",
                  "delete",
                  "retention.ms",
                  Long.toString(deadLetterRetentionMs))));
    }
  }
}
