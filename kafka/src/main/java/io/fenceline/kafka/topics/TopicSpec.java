package io.fenceline.kafka.topics;

import java.util.Map;
import java.util.TreeMap;

/** A topic as fenceline wants it: name, partition count and the configs that matter. */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {
  public TopicSpec {
    configs = new TreeMap<>(configs);
  }
}
