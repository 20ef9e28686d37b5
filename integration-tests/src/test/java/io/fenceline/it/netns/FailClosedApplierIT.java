package io.fenceline.it.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fenceline.applier.Applier;
import io.fenceline.applier.ApplierConfig;
import io.fenceline.applier.kernel.CommandRunner;
import io.fenceline.applier.kernel.IptablesBackend;
import io.fenceline.applier.kernel.ProcessNetfilter;
import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.engine.Engine;
import io.fenceline.engine.EngineConfig;
import io.fenceline.kafka.topics.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the applier does when it cannot reach Kafka at boot, on real netfilter in a scratch network
 * namespace: a node whose rules were applied keeps them, unchanged, for as long as Kafka is away
 * (an applier restart never opens an isolated pod); {@code /healthz} says not ready and why; once
 * the broker is back the applier reads its partition and applies the same state. A fresh node,
 * which never had rules, stays without them until its first apply.
 */
class FailClosedApplierIT {
  private static final String CLUSTER_YAML =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: prod}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web-0, namespace: prod, labels: {app: web}}
      spec: {nodeName: node-1}
      status: {phase: Running, podIP: 10.244.1.11}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: db-0, namespace: prod, labels: {app: db}}
      spec: {nodeName: node-1}
      status: {phase: Running, podIP: 10.244.1.12}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: db-from-web, namespace: prod}
      spec:
        podSelector: {matchLabels: {app: db}}
        ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432}]}]
      """;

  @TempDir Path dir;
  private final String netns = "fnlfc-" + ProcessHandle.current().pid();
  private final String freshNetns = "fnlfc-fresh-" + ProcessHandle.current().pid();
  private final List<Thread> threads = new ArrayList<>();
  private final List<Applier> appliers = new ArrayList<>();

  @BeforeEach
  void namespaces() {
    RootRequirement.check();
    for (String ns : List.of(netns, freshNetns)) {
      CommandRunner.onHost().attempt(List.of("ip", "netns", "del", ns), null);
      CommandRunner.onHost().check("ip", "netns", "add", ns);
    }
  }

  @AfterEach
  void cleanUp() throws InterruptedException {
    appliers.forEach(Applier::close);
    for (Thread t : threads) {
      t.join(30_000);
    }
    for (String ns : List.of(netns, freshNetns)) {
      CommandRunner.onHost().attempt(List.of("ip", "netns", "del", ns), null);
    }
  }

  @Test
  void anApplierThatCannotReachKafkaKeepsTheLastRulesAndSaysWhy() throws Exception {
    Path kafkaDir = dir.resolve("kafka");
    String bootstrap;
    String applied;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir)) {
      bootstrap = kafka.bootstrapServers();
      Topics.Layout d = Topics.Layout.defaults();
      try (Engine engine =
          Engine.start(
              new EngineConfig(
                  bootstrap,
                  "fail-closed-it",
                  dir.resolve("engine"),
                  new Topics.Layout(1, 2, d.eventRetentionMs(), d.deadLetterRetentionMs()),
                  Map.of()))) {
        publish(bootstrap);
        Applier first = startApplier(bootstrap, netns);
        assertThat(first.awaitCaughtUp(Duration.ofMinutes(3))).as("first apply").isTrue();
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofMillis(500))
            .untilAsserted(
                () ->
                    assertThat(kernel(netns))
                        .contains("-A FNL-FORWARD -d 10.244.1.12/32")
                        .contains("prod/db-0 ingress: no policy allows")
                        .contains("prod/db-0 ingress: prod/db-from-web"));
        applied = kernel(netns);
        // The applier stops (a restart, a crash): the kernel keeps its rules.
        first.close();
        assertThat(kernel(netns)).isEqualTo(applied);
      }
    }

    // Kafka is gone. A new applier boots on the node that has rules, another on a fresh node.
    Applier restarted = startApplier(bootstrap, netns);
    Applier fresh = startApplier(bootstrap, freshNetns);
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(restarted.healthy()).isFalse();
              assertThat(restarted.lastError())
                  .contains("cannot reach Kafka at " + bootstrap)
                  .contains("the kernel keeps the rules it had");
              assertThat(restarted.scrape()).contains("fenceline_applier_boot_retries_total");
            });
    // Sampled for a while: the isolated pod never loses its rules; the fresh node gains none.
    for (int i = 0; i < 20; i++) {
      assertThat(kernel(netns)).as("sample %d while Kafka is away", i).isEqualTo(applied);
      assertThat(kernel(freshNetns)).as("a fresh node stays without rules").doesNotContain("FNL-");
      Thread.sleep(500);
    }
    assertThat(threads.subList(1, 3)).as("both appliers keep trying").allMatch(Thread::isAlive);

    // The broker comes back at the same address: both appliers read their partition and apply.
    try (EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir)) {
      assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
      assertThat(restarted.awaitCaughtUp(Duration.ofMinutes(3)))
          .as("the restarted applier applies once Kafka is back")
          .isTrue();
      assertThat(fresh.awaitCaughtUp(Duration.ofMinutes(3))).isTrue();
      assertThat(restarted.healthy()).isTrue();
      assertThat(kernel(netns)).isEqualTo(applied);
      assertThat(kernel(freshNetns)).isEqualTo(applied);
      restarted.close();
      fresh.close();
      for (Thread t : threads) {
        t.join(30_000);
      }
    }
  }

  private Applier startApplier(String bootstrap, String ns) {
    CommandRunner runner = new CommandRunner(ns, 60);
    ProcessNetfilter netfilter = new ProcessNetfilter(runner, IptablesBackend.detect(runner));
    Applier a =
        new Applier(
            new ApplierConfig(
                "default", "node-1", bootstrap, Duration.ofMinutes(10), Duration.ofSeconds(5), -1),
            netfilter,
            Clock.systemUTC(),
            rendered -> {});
    Thread t = new Thread(a, "applier-" + ns);
    t.setDaemon(true);
    t.start();
    appliers.add(a);
    threads.add(t);
    return a;
  }

  /** The filter rules and sets of a namespace, without counters and hash seeds. */
  private static String kernel(String ns) {
    String rules =
        CommandRunner.inNetns(ns)
            .check("iptables-save", "-t", "filter")
            .lines()
            .filter(l -> l.startsWith("-") || l.startsWith(":FNL"))
            .map(l -> l.replaceAll("\\[\\d+:\\d+\\]", ""))
            .reduce("", (a, b) -> a + b + "\n");
    String sets = CommandRunner.inNetns(ns).check("ipset", "save");
    // A set rebuilt through swap gets a new hash seed (initval): the same set for this purpose.
    return rules
        + sets.lines()
            .map(l -> l.replaceAll(" initval 0x[0-9a-f]+", ""))
            .sorted()
            .reduce("", (a, b) -> a + b + "\n");
  }

  private static void publish(String bootstrap) throws Exception {
    Map<String, Object> p =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      Instant at = Instant.parse("2026-11-26T10:00:00Z");
      for (RawObject raw : ManifestParser.parse("cluster.yaml", CLUSTER_YAML)) {
        JsonNode o = raw.node();
        String kind = o.get("kind").asText();
        String ns = kind.equals("Namespace") ? "" : o.path("metadata").path("namespace").asText();
        ChangeEvent e =
            ChangeEvent.upsert(
                "default",
                kind,
                ns,
                o.path("metadata").path("name").asText(),
                null,
                null,
                at,
                1,
                o);
        producer.send(new ProducerRecord<>(Topics.EVENTS, "default", EventCodec.encode(e))).get();
      }
    }
  }
}
