package io.fenceline.engine.topology;

import io.fenceline.kafka.topics.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record fenceline could not use, as written to {@code fenceline.dead-letter}: the original key
 * and value bytes, and headers naming the reason and where it came from.
 *
 * <p>The reason is one line (control characters escaped) and cut at {@link #MAX_REASON_CHARS}: an
 * object with 10,000 bad labels has 10,000 problems, and a reason header of megabytes would make
 * the dead letter larger than the broker accepts, failing the engine's transaction and stopping the
 * stream on that record.
 */
public record DeadLetter(
    byte[] key, byte[] value, String reason, String topic, int partition, long offset) {
  public static final int MAX_REASON_CHARS = 4000;

  /**
   * The most bytes of original key and value a dead letter copies: a record of the default 1 MiB
   * limit less room for the reason and source headers (the reason is at most 4,000 characters,
   * escaped). A record larger than this is named by its offset instead, so a dead letter always
   * fits.
   */
  public static final int MAX_COPIED_BYTES = (1 << 20) - 32 * 1024;

  public static final String REASON = DeadLetterHeaders.REASON;
  public static final String SOURCE_TOPIC = DeadLetterHeaders.SOURCE_TOPIC;
  public static final String SOURCE_PARTITION = DeadLetterHeaders.SOURCE_PARTITION;
  public static final String SOURCE_OFFSET = DeadLetterHeaders.SOURCE_OFFSET;

  public DeadLetter {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < reason.length() && i < MAX_REASON_CHARS; i++) {
      char c = reason.charAt(i);
      sb.append(
          c < 0x20 || c == 0x7f
              ? String.format("\\u%04x", (int) c)
              : String.valueOf(c)); // one line, always
    }
    if (reason.length() > MAX_REASON_CHARS) {
      sb.append("... (").append(reason.length() - MAX_REASON_CHARS).append(" more characters)");
    }
    reason = sb.toString();
  }

  public Headers headers() {
    RecordHeaders h = new RecordHeaders();
    h.add(REASON, reason.getBytes(StandardCharsets.UTF_8));
    h.add(SOURCE_TOPIC, String.valueOf(topic).getBytes(StandardCharsets.UTF_8));
    h.add(SOURCE_PARTITION, Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
    h.add(SOURCE_OFFSET, Long.toString(offset).getBytes(StandardCharsets.UTF_8));
    return h;
  }
}
