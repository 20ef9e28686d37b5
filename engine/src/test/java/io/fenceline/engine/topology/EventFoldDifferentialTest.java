package io.fenceline.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.events.EventFormatException;
import io.fenceline.core.events.EventObjects;
import io.fenceline.core.history.ClusterState;
import io.fenceline.core.history.LogEvent;
import io.fenceline.core.history.ObjectRef;
import io.fenceline.core.hostile.HostileObjects;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Kind;
import io.fenceline.kafka.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The two shells of {@code EventFold} agree: the same recorded log (a cluster's random history,
 * hostile records among it, generations swept) through the engine's processor (RocksDB, in
 * TopologyTestDriver) and through the forensic {@link ClusterState} (in memory) rejects the same
 * records with the same reasons and leaves the same objects in force.
 */
class EventFoldDifferentialTest {

  @Property(tries = 60)
  void engineAndForensicsFoldTheSameLogAlike(@ForAll long seed) throws Exception {
    Random r = new Random(seed);
    List<HostileEventsTest.Input> log = new ArrayList<>();
    for (ChangeEvent e : new ClusterHistory(seed).interleave(seed)) {
      log.add(new HostileEventsTest.Input(e.cluster(), EventCodec.encode(e), false));
    }
    HostileObjects objects = new HostileObjects(seed);
    for (int i = 0; i < 40; i++) {
      log.add(r.nextInt(log.size() + 1), HostileEventsTest.hostile(r, objects));
    }
    // A relist of part of the cluster in a new generation: what was not republished is swept.
    List<HostileEventsTest.Input> relist = new ArrayList<>();
    for (HostileEventsTest.Input in : log) {
      ChangeEvent e = decodable(in);
      if (e != null
          && e.cluster().equals(ClusterHistory.CLUSTER)
          && e.object() != null
          && r.nextBoolean()) {
        relist.add(
            new HostileEventsTest.Input(
                e.cluster(),
                EventCodec.encode(
                    ChangeEvent.upsert(
                        e.cluster(),
                        e.kind(),
                        e.namespace(),
                        e.name(),
                        null,
                        null,
                        e.observedAt(),
                        5_000,
                        e.object())),
                false));
      }
    }
    log.addAll(relist);
    for (String kind : List.of("Namespace", "Pod")) {
      log.add(
          new HostileEventsTest.Input(
              ClusterHistory.CLUSTER,
              EventCodec.encode(
                  ChangeEvent.generationEnd(
                      ClusterHistory.CLUSTER, kind, EventFixtures.T0.plusSeconds(3600), 5_000)),
              false));
    }

    ClusterState forensics = new ClusterState(ClusterHistory.CLUSTER, 0);
    Map<Long, String> rejectedByForensics = new TreeMap<>();
    Path state = Files.createTempDirectory("fnl-fold-diff");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "fold-diff");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    try (TopologyTestDriver driver = new TopologyTestDriver(EngineTopology.build(1), p)) {
      var events =
          driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer());
      var dead =
          driver.createOutputTopic(
              Topics.DEAD_LETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      for (int offset = 0; offset < log.size(); offset++) {
        HostileEventsTest.Input in = log.get(offset);
        events.pipeInput(in.key(), in.value());
        // Forensics reads the key as a consumer delivers it: through UTF-8, as the engine does.
        String key = in.key() == null ? null : asHeader(in.key());
        LogEvent read = LogEvent.decode(key, in.value(), offset);
        if (read.rejected() != null) {
          rejectedByForensics.put((long) offset, read.rejected());
        }
        forensics.apply(read);
      }

      Map<Long, String> deadByEngine = new HashMap<>();
      for (TestRecord<byte[], byte[]> d : dead.readRecordsToList()) {
        deadByEngine.put(
            Long.parseLong(header(d, DeadLetter.SOURCE_OFFSET)), header(d, DeadLetter.REASON));
      }
      for (Map.Entry<Long, String> x : rejectedByForensics.entrySet()) {
        assertThat(deadByEngine.get(x.getKey()))
            .as("record %d (seed %d)", x.getKey(), seed)
            .isNotNull()
            .endsWith(asHeader(new DeadLetter(null, null, x.getValue(), "t", 0, 0).reason()));
      }
      for (long offset : deadByEngine.keySet()) {
        if (!rejectedByForensics.containsKey(offset)) {
          // Dead-lettered but accepted: only an UPSERT whose object has problems is reported that
          // way.
          assertThat(decodable(log.get((int) offset)).object())
              .as("record %d (seed %d)", offset, seed)
              .isNotNull();
        }
      }

      Map<ObjectRef, ClusterObject> engine = new TreeMap<>();
      KeyValueStore<String, byte[]> store = driver.getKeyValueStore(EngineTopology.OBJECT_STORE);
      try (KeyValueIterator<String, byte[]> it = store.all()) {
        while (it.hasNext()) {
          KeyValue<String, byte[]> kv = it.next();
          if (!ObjectStoreKeys.cluster(kv.key).equals(ClusterHistory.CLUSTER)) {
            continue;
          }
          ChangeEvent e = EventCodec.decode(kv.value);
          ClusterObject o = EventObjects.decode(e, "store").object();
          engine.put(new ObjectRef(Kind.fromApiName(e.kind()), o.key()), o);
        }
      }
      Map<ObjectRef, ClusterObject> replayed = new TreeMap<>();
      forensics.entries().forEach((ref, entry) -> replayed.put(ref, entry.object()));
      assertThat(replayed).as("objects in force (seed %d)", seed).isEqualTo(engine);
    } finally {
      try (var walk = Files.walk(state)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static ChangeEvent decodable(HostileEventsTest.Input in) {
    try {
      return in.value() == null ? null : EventCodec.decode(in.value());
    } catch (EventFormatException e) {
      return null;
    }
  }

  /** A string as a record carries it: UTF-8 (a lone surrogate of a hostile key becomes '?'). */
  private static String asHeader(String reason) {
    return new String(reason.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }

  private static String header(TestRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
