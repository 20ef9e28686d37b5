package io.fenceline.engine.topology;

import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.FactFormatException;
import io.fenceline.core.facts.FactKey;
import io.fenceline.core.facts.FactTable;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the readers of the engine's output hold: one FactTable per (node-facts partition, cluster),
 * each with the set members of its cluster from {@code fenceline.set-members} folded in, as an
 * applier folds its node partition and its cluster's set partition into one table.
 */
final class FactsFold {
  private final Map<String, FactTable> tables = new HashMap<>();

  /** Per cluster, the set members in force (key → change), for tables created later. */
  private final Map<String, Map<FactKey, FactChange>> members = new HashMap<>();

  /** A record read from either fact topic, folded as its topic says. */
  void apply(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> r) {
    if (r.topic().equals(io.fenceline.kafka.topics.Topics.SET_MEMBERS)) {
      applyShared(r.key(), r.value());
    } else {
      apply(r.partition(), r.key(), r.value());
    }
  }

  /** A record of {@code fenceline.node-facts}. */
  void apply(int partition, String key, byte[] value) {
    FactCodec.Decoded d = decode(key, value);
    table(partition, d.cluster()).apply(new FactChange(d.key(), d.value()));
  }

  /**
   * A record of {@code fenceline.set-members}: it reaches every partition's table of its cluster.
   */
  void applyShared(String key, byte[] value) {
    FactCodec.Decoded d = decode(key, value);
    if (!(d.key() instanceof FactKey.Member)) {
      throw new AssertionError("fenceline.set-members holds set members only, not " + d.key());
    }
    FactChange c = new FactChange(d.key(), d.value());
    Map<FactKey, FactChange> current =
        members.computeIfAbsent(d.cluster(), k -> new LinkedHashMap<>());
    if (c.isRemoval()) {
      current.remove(c.key());
    } else {
      current.put(c.key(), c);
    }
    String suffix = "|" + d.cluster();
    tables.forEach(
        (k, t) -> {
          if (k.endsWith(suffix)) {
            t.apply(c);
          }
        });
  }

  FactTable table(int partition, String cluster) {
    return tables.computeIfAbsent(
        partition + "|" + cluster,
        k -> {
          FactTable t = new FactTable();
          members.getOrDefault(cluster, Map.of()).values().forEach(t::apply);
          return t;
        });
  }

  private static FactCodec.Decoded decode(String key, byte[] value) {
    try {
      return FactCodec.decode(key, value);
    } catch (FactFormatException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }
}
