package io.fenceline.kafka.topics;

/**
 * Header names of a record in {@code fenceline.dead-letter}: why it was rejected and where it came
 * from. The key and value are the original record's. Written by the engine, read by {@code status}.
 */
public final class DeadLetterHeaders {
  /** One line, at most a few thousand characters. */
  public static final String REASON = "fenceline.reason";

  public static final String SOURCE_TOPIC = "fenceline.source.topic";
  public static final String SOURCE_PARTITION = "fenceline.source.partition";
  public static final String SOURCE_OFFSET = "fenceline.source.offset";

  private DeadLetterHeaders() {}
}
