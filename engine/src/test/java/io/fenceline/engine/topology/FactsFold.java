package io.fenceline.engine.topology;

import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.FactFormatException;
import io.fenceline.core.facts.FactTable;
import java.util.HashMap;
import java.util.Map;

/** What a reader of node-facts holds: one FactTable per (partition, cluster). */
final class FactsFold {
  private final Map<String, FactTable> tables = new HashMap<>();

  void apply(int partition, String key, byte[] value) {
    try {
      FactCodec.Decoded d = FactCodec.decode(key, value);
      tables.computeIfAbsent(partition + "|" + d.cluster(), k -> new FactTable()).apply(new FactChange(d.key(), d.value()));
    } catch (FactFormatException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  FactTable table(int partition, String cluster) {
    return tables.computeIfAbsent(partition + "|" + cluster, k -> new FactTable());
  }
}
