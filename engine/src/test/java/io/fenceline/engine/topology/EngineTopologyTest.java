package io.fenceline.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.kafka.topics.FactHeaders;
import io.fenceline.kafka.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor in TopologyTestDriver (one partition per topic: multicast is proven on a broker).
 */
class EngineTopologyTest {
  @TempDir Path state;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> events;
  private TestOutputTopic<String, byte[]> facts;
  private TestOutputTopic<String, byte[]> sets;
  private TestOutputTopic<byte[], byte[]> deadLetters;
  private final FactsFold fold = new FactsFold();

  @BeforeEach
  void start() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "engine-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    driver = new TopologyTestDriver(EngineTopology.build(1), p);
    events =
        driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer());
    facts =
        driver.createOutputTopic(
            Topics.NODE_FACTS, new StringDeserializer(), new ByteArrayDeserializer());
    sets =
        driver.createOutputTopic(
            Topics.SET_MEMBERS, new StringDeserializer(), new ByteArrayDeserializer());
    deadLetters =
        driver.createOutputTopic(
            Topics.DEAD_LETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void send(ChangeEvent e) {
    events.pipeInput(e.cluster(), EventCodec.encode(e));
  }

  /** The records written to both fact topics since the last call (set members first), folded. */
  private List<TestRecord<String, byte[]>> drainFacts() {
    List<TestRecord<String, byte[]>> out = new java.util.ArrayList<>(sets.readRecordsToList());
    out.forEach(r -> fold.applyShared(r.key(), r.value()));
    List<TestRecord<String, byte[]>> node = facts.readRecordsToList();
    node.forEach(r -> fold.apply(0, r.key(), r.value()));
    out.addAll(node);
    return out;
  }

  static String examples() throws Exception {
    Path dir = Path.of(System.getProperty("user.dir")).resolve("../examples").normalize();
    return Files.readString(dir.resolve("cluster.yaml"))
        + "\n---\n"
        + Files.readString(dir.resolve("seed-policy.yaml"));
  }

  @Test
  void factsOfTheExamplesFoldIntoExactlyTheCompileOutput() throws Exception {
    String yaml = examples();
    EventFixtures.upserts("default", yaml, 1).forEach(this::send);
    List<TestRecord<String, byte[]>> out = drainFacts();
    assertThat(out).isNotEmpty();
    assertThat(out)
        .allSatisfy(
            r -> {
              assertThat(r.key()).startsWith("default/");
              assertThat(header(r, FactHeaders.SOURCE_OFFSET)).isNotNull();
              assertThat(header(r, FactHeaders.OBSERVED_AT)).startsWith("2026-11-26T10:00:");
            });
    CompiledCluster expected =
        CompiledCluster.fromScratch(
            Manifests.asUpserts(Manifests.decode(ManifestParser.parse("x.yaml", yaml))));
    for (String node : expected.nodes()) {
      assertThat(fold.table(0, "default").nodeModel(node)).isEqualTo(expected.nodeModel(node));
    }
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void badRecordsGoToTheDeadLetterTopicAndTheStreamGoesOn() throws Exception {
    events.pipeInput("default", "{not json".getBytes(StandardCharsets.UTF_8));
    send(
        ChangeEvent.upsert(
            "default",
            "Service",
            "x",
            "s",
            null,
            null,
            EventFixtures.T0,
            1,
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("{\"metadata\":{\"name\":\"s\"}}")));
    events.pipeInput(
        "other-key", EventCodec.encode(EventFixtures.delete("default", "Pod", "x", "a", 1)));
    EventFixtures.upserts(
            "default",
            """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: broken, namespace: default}
        spec:
          podSelector: {matchLabels: {role: db}}
          ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/33}}]}]
        """,
            1)
        .forEach(this::send);
    EventFixtures.upserts("default", examples(), 1).forEach(this::send);

    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(4);
    assertThat(dead)
        .extracting(r -> header(r, DeadLetter.REASON))
        .satisfiesExactly(
            r -> assertThat(r).startsWith("not JSON"),
            r -> assertThat(r).contains("unknown kind 'Service'"),
            r ->
                assertThat(r)
                    .contains("record key 'other-key' is not the event's cluster 'default'"),
            r ->
                assertThat(r)
                    .contains("spec.ingress[0].from[0].ipBlock.cidr: invalid CIDR '10.0.0.0/33'"));
    assertThat(dead)
        .allSatisfy(
            r -> {
              assertThat(header(r, DeadLetter.SOURCE_TOPIC)).isEqualTo(Topics.EVENTS);
              assertThat(header(r, DeadLetter.SOURCE_OFFSET)).isNotNull();
            });
    assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
    // The invalid policy still isolates db-0 (fail closed), and the stream went on to the rest.
    drainFacts();
    assertThat(fold.table(0, "default").nodeModel("node-1").bindings())
        .anySatisfy(b -> assertThat(b.pod().toString()).isEqualTo("default/db-0"));
  }

  @Test
  void anOversizeObjectFromAnyProducerIsEnforcedAsItsStubFailingClosed() throws Exception {
    EventFixtures.upserts("default", examples(), 1).forEach(this::send);
    drainFacts();
    // Another producer writes db-0 with 1.1 MB of labels: more than an event carries, not truncated
    // by ingest.
    com.fasterxml.jackson.databind.node.ObjectNode pod =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(
                    """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"frontend-0","namespace":"default","labels":{"role":"frontend"}},
             "spec":{"nodeName":"node-1"},"status":{"phase":"Running","podIP":"10.244.1.12"}}""");
    var labels =
        (com.fasterxml.jackson.databind.node.ObjectNode) pod.path("metadata").path("labels");
    for (int i = 0; labels.toString().length() < 1_100_000; i++) {
      labels.put("example.com/l" + i, "v".repeat(60));
    }
    byte[] value =
        EventCodec.encode(EventFixtures.upsert("default", pod, 1, EventFixtures.T0.plusSeconds(5)));
    assertThat(value.length).isGreaterThan(DeadLetter.MAX_COPIED_BYTES);
    events.pipeInput("default", value);

    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(header(r, DeadLetter.REASON))
                  .contains(
                      "is not copied",
                      "Pod default/frontend-0",
                      "bytes, more than an event carries",
                      "fail closed");
              assertThat(r.value()).isNull();
            });
    drainFacts();
    assertThat(fold.table(0, "default").nodeModel("node-1").bindings())
        .filteredOn(b -> b.pod().toString().equals("default/frontend-0"))
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.ingressIsolated()).isTrue();
              assertThat(b.egressIsolated()).isTrue();
              assertThat(b.ingressChains()).isEmpty();
              assertThat(b.egressChains()).isEmpty();
            });
    // What the store keeps is the stub, so a rebuilt task enforces the same.
    KeyValueStore<String, byte[]> store = driver.getKeyValueStore(EngineTopology.OBJECT_STORE);
    byte[] stored = store.get(ObjectStoreKeys.key("default", "Pod", "default", "frontend-0"));
    assertThat(stored.length).isLessThan(2_000);
    assertThat(EventCodec.decode(stored).truncated()).isNotNull();
  }

  @Test
  void anEndOfGenerationSweepsObjectsThatWereNotRepublished() throws Exception {
    String pods =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: x, labels: {app: a}}
        spec: {nodeName: n1}
        status: {phase: Running, podIP: 10.0.0.1}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b, namespace: x, labels: {app: a}}
        spec: {nodeName: n1}
        status: {phase: Running, podIP: 10.0.0.2}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny, namespace: x}
        spec: {podSelector: {}}
        """;
    EventFixtures.upserts("c1", pods, 1).forEach(this::send);
    send(ChangeEvent.generationEnd("c1", "Pod", EventFixtures.T0, 1));
    drainFacts();
    assertThat(fold.table(0, "c1").nodeModel("n1").bindings()).hasSize(2);

    // Ingest restarts; pod b was deleted while it was away: generation 2 holds only a.
    EventFixtures.upserts("c1", pods.substring(0, pods.indexOf("---")), 2).forEach(this::send);
    send(ChangeEvent.generationEnd("c1", "Pod", EventFixtures.T0, 2));
    drainFacts();
    assertThat(fold.table(0, "c1").nodeModel("n1").bindings())
        .singleElement()
        .satisfies(b -> assertThat(b.pod().toString()).isEqualTo("x/a"));
    // The policy (another kind) was not swept.
    assertThat(fold.table(0, "c1").nodeModel("n1").chains()).hasSize(1);
  }

  @Test
  void clustersNeverMix() throws Exception {
    String yaml = examples();
    EventFixtures.upserts("east", yaml, 1).forEach(this::send);
    // west has the same pods and namespaces but no policy.
    Path cluster =
        Path.of(System.getProperty("user.dir")).resolve("../examples/cluster.yaml").normalize();
    EventFixtures.upserts("west", Files.readString(cluster), 1).forEach(this::send);
    drainFacts();
    assertThat(fold.table(0, "east").nodeModel("node-1").bindings()).hasSize(1);
    assertThat(fold.table(0, "west").nodeModel("node-1").bindings()).isEmpty();
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  private static String cnp(String name, String tier, int priority) {
    return """
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: %s}
        spec:
          tier: %s
          priority: %d
          subject: {namespaces: {}}
          ingress:
            - {action: Deny, from: [{namespaces: {matchLabels: {team: x}}}]}
        """
        .formatted(name, tier, priority);
  }

  @Test
  void clusterNetworkPoliciesThatShareAPriorityAreWarnedAboutUntilTheyNoLongerDo() {
    TestOutputTopic<String, byte[]> warnings =
        driver.createOutputTopic(
            Topics.POLICY_WARNINGS, new StringDeserializer(), new ByteArrayDeserializer());
    EventFixtures.upserts("c1", cnp("a", "Admin", 10) + "---\n" + cnp("b", "Baseline", 10), 1)
        .forEach(this::send);
    assertThat(warnings.isEmpty()).as("different tiers").isTrue();

    EventFixtures.upserts("c1", cnp("c", "Admin", 10), 1).forEach(this::send);
    java.util.Map<String, String> latest = new java.util.TreeMap<>();
    warnings
        .readRecordsToList()
        .forEach(
            r ->
                latest.put(
                    r.key(),
                    r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)));
    assertThat(latest).containsOnlyKeys("c1/a", "c1/c");
    assertThat(latest.get("c1/a"))
        .isEqualTo(
            "Admin tier priority 10 is shared by [a, c]; the API leaves their order open,"
                + " fenceline evaluates them by name");

    send(EventFixtures.delete("c1", "ClusterNetworkPolicy", "", "c", 1));
    List<TestRecord<String, byte[]>> cleared = warnings.readRecordsToList();
    assertThat(cleared).extracting(TestRecord::key).containsExactlyInAnyOrder("c1/a", "c1/c");
    assertThat(cleared).allSatisfy(r -> assertThat(r.value()).isNull());
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  private static String header(TestRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
