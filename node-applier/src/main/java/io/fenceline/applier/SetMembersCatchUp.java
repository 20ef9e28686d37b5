package io.fenceline.applier;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The ordering rule between an applier's two topics (docs/adr/0004): before anything just read is
 * applied, the {@code fenceline.set-members} partitions are read to their ends (read_committed: the
 * last stable offset), with the node-facts partition paused meanwhile, so a step never applies part
 * of a transaction's set members (an ipBlock's block and its excepts become visible together). The
 * engine writes a change's members and its chains in one transaction; when the chains are visible
 * before the members (the commit markers reach the two partitions one after the other), the new
 * chain meets a set without the new members and allows less, never more, until the next poll brings
 * them. Used by the node applier and by the simulator's appliers.
 */
public final class SetMembersCatchUp {
  private SetMembersCatchUp() {}

  /**
   * Polls until every partition of {@code sets} reached the end it has now, handing each poll's
   * records to {@code read}; {@code facts} is paused meanwhile. Stops early when {@code running}
   * turns false.
   */
  public static <K, V> void readToEnd(
      KafkaConsumer<K, V> consumer,
      TopicPartition facts,
      Collection<TopicPartition> sets,
      Duration pollTimeout,
      BooleanSupplier running,
      Consumer<ConsumerRecords<K, V>> read) {
    Map<TopicPartition, Long> ends = consumer.endOffsets(sets);
    if (sets.stream().allMatch(sp -> consumer.position(sp) >= ends.get(sp))) {
      return;
    }
    consumer.pause(List.of(facts));
    try {
      while (running.getAsBoolean()
          && sets.stream().anyMatch(sp -> consumer.position(sp) < ends.get(sp))) {
        read.accept(consumer.poll(pollTimeout));
      }
    } finally {
      consumer.resume(List.of(facts));
    }
  }
}
