package io.fenceline.engine.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record fenceline could not use, as written to {@code fenceline.dead-letter}: the original key
 * and value bytes, and headers naming the reason and where it came from.
 */
public record DeadLetter(byte[] key, byte[] value, String reason, String topic, int partition, long offset) {
  public static final String REASON = "fenceline.reason";
  public static final String SOURCE_TOPIC = "fenceline.source.topic";
  public static final String SOURCE_PARTITION = "fenceline.source.partition";
  public static final String SOURCE_OFFSET = "fenceline.source.offset";

  public Headers headers() {
    RecordHeaders h = new RecordHeaders();
    h.add(REASON, reason.getBytes(StandardCharsets.UTF_8));
    h.add(SOURCE_TOPIC, String.valueOf(topic).getBytes(StandardCharsets.UTF_8));
    h.add(SOURCE_PARTITION, Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
    h.add(SOURCE_OFFSET, Long.toString(offset).getBytes(StandardCharsets.UTF_8));
    return h;
  }
}
