package io.fenceline.engine.topology;

import io.fenceline.kafka.serde.FactSerde;
import io.fenceline.kafka.topics.Topics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The engine's topology, built from config alone (no start-up side effects), so that tests run
 * exactly what production runs. Every node, store and (changelog) topic is named: renaming one
 * orphans its changelog and RocksDB state, and a golden copy of {@link Topology#describe()} guards
 * against it.
 */
public final class EngineTopology {
  public static final String EVENTS_SOURCE = "fenceline-events-source";
  public static final String COMPILE_PROCESSOR = "fenceline-compile";
  public static final String OBJECT_STORE = "fenceline-objects";
  public static final String NODE_FACTS_SINK = "fenceline-node-facts-sink";
  public static final String SET_MEMBERS_SINK = "fenceline-set-members-sink";
  public static final String DEAD_LETTER_SINK = "fenceline-dead-letter-sink";
  public static final String POLICY_WARNINGS_SINK = "fenceline-policy-warnings-sink";

  private EngineTopology() {}

  /**
   * The topology with one partition of {@code fenceline.set-members} (tests on one partition per
   * topic).
   */
  public static Topology build(int nodeFactPartitions) {
    return build(nodeFactPartitions, 1);
  }

  /**
   * The topology for a layout: {@code nodeFactPartitions} of {@code fenceline.node-facts} and
   * {@code setMemberPartitions} of {@code fenceline.set-members} (as many as {@code
   * fenceline.events}).
   */
  public static Topology build(int nodeFactPartitions, int setMemberPartitions) {
    if (nodeFactPartitions < 1) {
      throw new IllegalArgumentException(
          "node-facts partitions must be at least 1, got " + nodeFactPartitions);
    }
    if (setMemberPartitions < 1) {
      throw new IllegalArgumentException(
          "set-members partitions must be at least 1, got " + setMemberPartitions);
    }
    Topology t = new Topology();
    t.addSource(
        EVENTS_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.EVENTS);
    t.addProcessor(
        COMPILE_PROCESSOR,
        () -> new CompileProcessor(nodeFactPartitions, setMemberPartitions),
        EVENTS_SOURCE);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(OBJECT_STORE), Serdes.String(), Serdes.ByteArray()),
        COMPILE_PROCESSOR);
    t.addSink(
        NODE_FACTS_SINK,
        Topics.NODE_FACTS,
        RoutedFactKey.serializer(),
        FactSerde.serializer(),
        new FactPartitioner(),
        COMPILE_PROCESSOR);
    t.addSink(
        SET_MEMBERS_SINK,
        Topics.SET_MEMBERS,
        RoutedFactKey.serializer(),
        FactSerde.serializer(),
        new FactPartitioner(),
        COMPILE_PROCESSOR);
    t.addSink(
        DEAD_LETTER_SINK,
        Topics.DEAD_LETTER,
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        COMPILE_PROCESSOR);
    t.addSink(
        POLICY_WARNINGS_SINK,
        Topics.POLICY_WARNINGS,
        new org.apache.kafka.common.serialization.StringSerializer(),
        new ByteArraySerializer(),
        COMPILE_PROCESSOR);
    return t;
  }
}
