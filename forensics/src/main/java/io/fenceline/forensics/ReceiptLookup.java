package io.fenceline.forensics;

import io.fenceline.kafka.topics.Receipt;
import io.fenceline.kafka.topics.Topics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What a node's applier had acknowledged at a moment: its last receipt applied at or before T
 * (receipts stay uncompacted for {@link Topics#RECEIPT_HISTORY_MS}), and whether that receipt
 * covered every fact record of its partition written by T.
 */
public final class ReceiptLookup implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;

  /**
   * The receipt in force at T; {@code factsAtT} is the node's partition end as of T (records with a
   * timestamp ≤ T); {@code current}: the receipt was ok and covered all of them.
   */
  public record AtMoment(Receipt receipt, long factsAtT, boolean current) {}

  public ReceiptLookup(String bootstrapServers, Map<String, Object> clientProperties) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "fenceline-forensics-receipts");
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Null when no receipt of the node applied at or before {@code t} is retained. */
  public AtMoment at(String cluster, String node, Instant t) {
    List<PartitionInfo> infos = consumer.partitionsFor(Topics.NODE_STATUS, Duration.ofSeconds(10));
    if (infos == null || infos.isEmpty()) {
      return null;
    }
    String key = cluster + "/" + node;
    Receipt best = null;
    for (PartitionInfo pi : infos) {
      TopicPartition tp = new TopicPartition(Topics.NODE_STATUS, pi.partition());
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500)).records(tp)) {
          if (!key.equals(r.key()) || r.value() == null) {
            continue;
          }
          try {
            Receipt x = Receipt.decode(r.value());
            if (!x.appliedAt().isAfter(t)
                && (best == null || !x.appliedAt().isBefore(best.appliedAt()))) {
              best = x;
            }
          } catch (IOException e) {
            // a receipt of a newer version: not ours to read
          }
        }
      }
    }
    if (best == null) {
      return null;
    }
    long factsAtT = offsetAt(new TopicPartition(Topics.NODE_FACTS, best.partition()), t);
    // A version 1 receipt says nothing of the set-members topic: judged by its node partition
    // alone.
    long setsAtT =
        best.setsPartition() < 0
            ? -1
            : offsetAt(new TopicPartition(Topics.SET_MEMBERS, best.setsPartition()), t);
    return new AtMoment(
        best, factsAtT, "ok".equals(best.result()) && best.reflects(factsAtT, setsAtT));
  }

  /** The first offset of {@code tp} written after {@code t} (its end when nothing was). */
  private long offsetAt(TopicPartition tp, Instant t) {
    OffsetAndTimestamp after = consumer.offsetsForTimes(Map.of(tp, t.toEpochMilli() + 1)).get(tp);
    return after != null ? after.offset() : consumer.endOffsets(List.of(tp)).get(tp);
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
