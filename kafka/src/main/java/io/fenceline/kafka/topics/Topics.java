package io.fenceline.kafka.topics;

import java.util.List;
import java.util.Map;

/** fenceline's topics: one descriptor each (name, key and value meaning, configs). */
public final class Topics {
  /** The event log: key = cluster id (a partition per cluster), value = {@code ChangeEvent} JSON. */
  public static final String EVENTS = "fenceline.events";
  /** Node facts, compacted: key = {@code <cluster>/<fact key>}, value = fact JSON or tombstone. */
  public static final String NODE_FACTS = "fenceline.node-facts";
  /** Applier receipts, compacted: key = {@code <cluster>/<node>}, value = the latest receipt JSON. */
  public static final String NODE_STATUS = "fenceline.node-status";
  /** Bad input with the reason and its origin in headers. */
  public static final String DEAD_LETTER = "fenceline.dead-letter";

  private Topics() {}

  /** The topic layout for a deployment. */
  /** Receipts stay uncompacted this long, so {@code fenceline rules --at T} can say what a node had then. */
  public static final long RECEIPT_HISTORY_MS = 7L * 24 * 3600 * 1000;

  public record Layout(int eventPartitions, int nodeFactPartitions, long eventRetentionMs, long deadLetterRetentionMs) {
    public static Layout defaults() {
      return new Layout(6, 12, 30L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000);
    }

    public List<TopicSpec> specs() {
      return List.of(
          new TopicSpec(EVENTS, eventPartitions,
              Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(eventRetentionMs))),
          new TopicSpec(NODE_FACTS, nodeFactPartitions,
              Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0")),
          new TopicSpec(NODE_STATUS, 1,
              Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", Long.toString(RECEIPT_HISTORY_MS))),
          new TopicSpec(DEAD_LETTER, 1,
              Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(deadLetterRetentionMs))));
    }
  }
}
