package io.fenceline.engine.topology;

import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.FactKey;
import java.util.SortedSet;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A fact key together with the partitions the record must go to. Only the fact key is written
 * ({@link #serializer}); the partitions travel with the record so that {@link FactPartitioner}
 * routes values and tombstones alike without looking anything up.
 */
public record RoutedFactKey(String cluster, FactKey key, SortedSet<Integer> partitions) {
  public String text() {
    return FactCodec.keyText(cluster, key);
  }

  public static Serializer<RoutedFactKey> serializer() {
    return (topic, k) ->
        k == null ? null : k.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
