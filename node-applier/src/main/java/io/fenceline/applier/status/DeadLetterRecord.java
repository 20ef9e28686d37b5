package io.fenceline.applier.status;

import java.time.Instant;

/**
 * One record of {@code fenceline.dead-letter} as status reads it: its key (the cluster id the
 * rejected record claimed; null when it had none), the reason and where the rejected record came
 * from (null where a header is missing), the time it was written and its own offset.
 */
public record DeadLetterRecord(
    String key,
    String reason,
    String sourceTopic,
    Integer sourcePartition,
    Long sourceOffset,
    Instant at,
    long offset) {

  /** {@code fenceline.events-1@7} or {@code ?} when the headers do not say. */
  public String source() {
    return sourceTopic == null
        ? "?"
        : sourceTopic
            + "-"
            + (sourcePartition == null ? "?" : sourcePartition)
            + "@"
            + (sourceOffset == null ? "?" : sourceOffset);
  }
}
