package io.fenceline.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.hostile.HostileObjects;
import io.fenceline.core.hostile.HostileStrings;
import io.fenceline.core.hostile.PayloadGrammar;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.manifest.ObjectDecoder;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.core.manifest.SourceLocation;
import io.fenceline.core.render.NodeRenderer;
import io.fenceline.kafka.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The engine topology under a storm of hostile records — garbage and truncated bytes, events of the
 * wrong shape, keys that lie, unknown kinds, hostile objects, deletes and generation markers naming
 * nonsense — mixed with a valid cluster. The engine never stops: every record that is certainly bad
 * is in {@code fenceline.dead-letter} with its bytes and a reason, every payload the facts make on
 * the way keeps user strings in sanitised comments, and once the valid cluster is republished in a
 * new generation the facts are exactly its compile output.
 */
class HostileEventsTest {
  static final AtomicLong RECORDS = new AtomicLong();
  static final AtomicLong DEAD = new AtomicLong();
  private static final String CLUSTER = "default";
  private static final long FINAL_GENERATION = 1_000_000;

  /** One input record and whether it must be dead-lettered. */
  record Input(String key, byte[] value, boolean certainlyBad) {}

  @Property(tries = 200, shrinking = ShrinkingMode.OFF)
  void aStormOfHostileRecordsNeverStopsTheEngineAndEndsInTheCompileOutput(@ForAll long seed)
      throws Exception {
    Random r = new Random(seed);
    HostileObjects objects = new HostileObjects(seed);
    List<ObjectNode> backbone = objects.backbone();
    List<Input> inputs = new ArrayList<>();
    for (ObjectNode o : backbone) {
      inputs.add(event(EventFixtures.upsert(CLUSTER, o, 1, EventFixtures.T0), false));
    }
    for (int i = 0; i < 60; i++) {
      inputs.add(hostile(r, objects));
    }
    java.util.Collections.shuffle(inputs, r);
    // The valid cluster republished in a new generation, closed by a marker per kind: whatever the
    // storm left behind is swept.
    for (ObjectNode o : backbone) {
      inputs.add(
          event(
              EventFixtures.upsert(CLUSTER, o, FINAL_GENERATION, EventFixtures.T0.plusSeconds(60)),
              false));
    }
    for (String kind : List.of("Namespace", "Node", "Pod", "NetworkPolicy")) {
      inputs.add(
          event(
              ChangeEvent.generationEnd(
                  CLUSTER, kind, EventFixtures.T0.plusSeconds(61), FINAL_GENERATION),
              false));
    }

    Path state = Files.createTempDirectory("fnl-hostile-events");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "engine-hostile-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    try (TopologyTestDriver driver = new TopologyTestDriver(EngineTopology.build(1), p)) {
      TestInputTopic<String, byte[]> events =
          driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer());
      TestOutputTopic<String, byte[]> facts =
          driver.createOutputTopic(
              Topics.NODE_FACTS, new StringDeserializer(), new ByteArrayDeserializer());
      TestOutputTopic<String, byte[]> sets =
          driver.createOutputTopic(
              Topics.SET_MEMBERS, new StringDeserializer(), new ByteArrayDeserializer());
      TestOutputTopic<byte[], byte[]> dead =
          driver.createOutputTopic(
              Topics.DEAD_LETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      FactsFold fold = new FactsFold();
      Set<String> clusters = new HashSet<>();
      for (Input in : inputs) {
        events.pipeInput(in.key(), in.value());
        for (TestRecord<String, byte[]> m : sets.readRecordsToList()) {
          clusters.add(m.key().substring(0, m.key().indexOf('/')));
          fold.applyShared(m.key(), m.value());
        }
        for (TestRecord<String, byte[]> f : facts.readRecordsToList()) {
          String cluster = f.key().substring(0, f.key().indexOf('/'));
          clusters.add(cluster);
          fold.apply(0, f.key(), f.value());
        }
        // What a node would load at this moment.
        for (String cluster : clusters) {
          for (String node : fold.table(0, cluster).nodesWithBindings()) {
            assertThat(
                    PayloadGrammar.violations(
                        NodeRenderer.render(fold.table(0, cluster).nodeModel(node))))
                .as("payload of %s/%s (seed %d)", cluster, node, seed)
                .isEmpty();
          }
        }
      }
      RECORDS.addAndGet(inputs.size());

      Map<Long, TestRecord<byte[], byte[]>> deadByOffset = new HashMap<>();
      for (TestRecord<byte[], byte[]> d : dead.readRecordsToList()) {
        assertThat(header(d, DeadLetter.REASON))
            .as("a dead letter says why, on one short line")
            .isNotBlank()
            .doesNotContain("\n")
            .hasSizeLessThan(DeadLetter.MAX_REASON_CHARS + 100);
        assertThat(header(d, DeadLetter.SOURCE_TOPIC)).isEqualTo(Topics.EVENTS);
        deadByOffset.put(Long.parseLong(header(d, DeadLetter.SOURCE_OFFSET)), d);
      }
      DEAD.addAndGet(deadByOffset.size());
      for (int offset = 0; offset < inputs.size(); offset++) {
        Input in = inputs.get(offset);
        if (in.certainlyBad()) {
          assertThat(deadByOffset)
              .as("record %d (%s) is dead-lettered (seed %d)", offset, preview(in.value()), seed)
              .containsKey((long) offset);
          long size =
              (in.key() == null
                      ? 0
                      : in.key().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                  + (in.value() == null ? 0 : in.value().length);
          if (size <= DeadLetter.MAX_COPIED_BYTES) {
            assertThat(deadByOffset.get((long) offset).value()).isEqualTo(in.value());
          } else { // a copy would not fit a record: the dead letter names where the original is
            assertThat(deadByOffset.get((long) offset).value()).isNull();
            assertThat(header(deadByOffset.get((long) offset), DeadLetter.REASON))
                .contains("is not copied: read it at " + Topics.EVENTS + "-0@" + offset);
          }
        } else if (offset >= inputs.size() - backbone.size() - 4) {
          assertThat(deadByOffset).as("valid record %d", offset).doesNotContainKey((long) offset);
        }
      }

      List<RawObject> raws =
          backbone.stream().map(o -> new RawObject(o, new SourceLocation("backbone", 1))).toList();
      CompiledCluster expected =
          CompiledCluster.fromScratch(Manifests.asUpserts(Manifests.decode(raws)));
      for (String node : expected.nodes()) {
        assertThat(fold.table(0, CLUSTER).nodeModel(node))
            .as("node %s after the storm (seed %d)", node, seed)
            .isEqualTo(expected.nodeModel(node));
      }
      assertThat(fold.table(0, CLUSTER).nodesWithBindings()).isSubsetOf(expected.nodes());
    } finally {
      deleteTree(state);
    }
  }

  static Input hostile(Random r, HostileObjects objects) {
    ChangeEvent valid =
        EventFixtures.upsert(
            CLUSTER, objects.backbone().get(r.nextInt(7)), r.nextInt(1000), EventFixtures.T0);
    byte[] good = EventCodec.encode(valid);
    return switch (r.nextInt(12)) {
      case 0 ->
          new Input(
              CLUSTER, java.util.Arrays.copyOf(good, r.nextInt(good.length)), true); // truncated
      case 1 -> new Input(CLUSTER, randomBytes(r), true);
      case 2 -> new Input(CLUSTER, null, true);
      case 3 -> new Input(CLUSTER, wrongField(r, good), true);
      case 4 ->
          new Input(
              r.nextBoolean() ? null : HostileStrings.any(r) + "x", good, true); // the key lies
      case 5 ->
          event(
              ChangeEvent.upsert(
                  CLUSTER,
                  pick(r, List.of("Service", "pod", "", "NetworkPolicy ", "\u0000")),
                  "prod",
                  "x",
                  null,
                  null,
                  EventFixtures.T0,
                  1,
                  objects.hostileObject()),
              true);
      case 6 ->
          event(
              ChangeEvent.delete(
                  CLUSTER,
                  pick(r, List.of("Pod", "Namespace", "NetworkPolicy", "Node")),
                  HostileStrings.any(r),
                  HostileStrings.any(r) + "n",
                  null,
                  null,
                  EventFixtures.T0,
                  r.nextInt(1000)),
              false);
      case 7 ->
          event(
              ChangeEvent.generationEnd(
                  CLUSTER,
                  pick(r, List.of("Pod", "Namespace", "Deployment", "x\ny")),
                  EventFixtures.T0,
                  r.nextInt(1000)),
              false);
      case 8 -> {
        // An event whose cluster is hostile, keyed consistently: a cluster of its own.
        String cluster = HostileStrings.any(r) + "c";
        ObjectNode o = objects.hostileObject();
        yield event(EventFixtures.upsert(cluster, o, r.nextInt(1000), EventFixtures.T0), false);
      }
      default -> {
        ObjectNode o = objects.hostileObject();
        ChangeEvent e = EventFixtures.upsert(CLUSTER, o, r.nextInt(1000), EventFixtures.T0);
        yield event(e, decodesWithProblems(e));
      }
    };
  }

  /** Whether the decoder rejects or reports the object (then the engine must dead-letter it). */
  private static boolean decodesWithProblems(ChangeEvent e) {
    if (e.kind().isEmpty() || io.fenceline.core.model.Kind.fromApiName(e.kind()) == null) {
      return true;
    }
    ObjectDecoder.Result r =
        ObjectDecoder.decode(new RawObject(e.object(), new SourceLocation("x", 1)));
    return r.object() == null || !r.problems().isEmpty();
  }

  private static Input event(ChangeEvent e, boolean bad) {
    return new Input(e.cluster(), EventCodec.encode(e), bad);
  }

  private static byte[] wrongField(Random r, byte[] good) {
    try {
      ObjectNode n = (ObjectNode) HostileObjects.JSON.readTree(good);
      switch (r.nextInt(8)) {
        case 0 -> n.put("v", "1");
        case 1 ->
            n.put("v", ChangeEvent.CURRENT_VERSION + 1); // a version newer than this engine reads
        case 2 -> n.put("cluster", 7);
        case 3 -> n.put("type", "UPSERTED");
        case 4 -> n.put("observedAt", "yesterday");
        case 5 -> n.put("surprise", true);
        case 6 -> n.set("object", HostileObjects.JSON.createArrayNode().add(1));
        default -> n.put("generation", "many");
      }
      return HostileObjects.JSON.writeValueAsBytes(n);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] randomBytes(Random r) {
    byte[] b = new byte[r.nextInt(64)];
    r.nextBytes(b);
    return r.nextBoolean()
        ? b
        : pick(r, List.of("", "null", "[]", "{}", "\"x\"", "{\"v\":1}", "1e999"))
            .getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T pick(Random r, List<T> xs) {
    return xs.get(r.nextInt(xs.size()));
  }

  private static String header(TestRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static String preview(byte[] v) {
    if (v == null) {
      return "null";
    }
    String s = new String(v, StandardCharsets.UTF_8);
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  @AfterContainer
  static void report() {
    System.out.printf(
        "hostile input (engine): %d records, %d dead-lettered%n", RECORDS.get(), DEAD.get());
  }
}
