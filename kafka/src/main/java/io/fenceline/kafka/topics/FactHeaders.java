package io.fenceline.kafka.topics;

/** Headers every node fact carries, tying kernel state back to the event log. */
public final class FactHeaders {
  /** The cluster the fact belongs to. */
  public static final String CLUSTER = "fenceline.cluster";

  /** Partition and offset in {@code fenceline.events} of the event that caused the fact. */
  public static final String SOURCE_PARTITION = "fenceline.source.partition";

  public static final String SOURCE_OFFSET = "fenceline.source.offset";

  /** observedAt of that event (RFC 3339). */
  public static final String OBSERVED_AT = "fenceline.observed-at";

  private FactHeaders() {}
}
