package io.fenceline.it.large;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.applier.Applier;
import io.fenceline.applier.ApplierConfig;
import io.fenceline.applier.kernel.DryRunNetfilter;
import io.fenceline.applier.status.ConvergenceCheck;
import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.cli.Main;
import io.fenceline.cli.io.PayloadWriter;
import io.fenceline.core.manifest.OversizeObjects;
import io.fenceline.core.render.PayloadText;
import io.fenceline.engine.Engine;
import io.fenceline.engine.EngineConfig;
import io.fenceline.engine.topology.DeadLetter;
import io.fenceline.ingest.EventPublisher;
import io.fenceline.ingest.IngestMetrics;
import io.fenceline.ingest.ManifestIngest;
import io.fenceline.kafka.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects of any size through the real pipeline (embedded broker, engine, file ingest, dry-run
 * appliers). One cluster holds a policy of 10,000 ipBlocks (enforced exactly as {@code compile}
 * renders it), a policy of 60,000 ipBlocks (2.4 MB: more than an event carries, so published as its
 * stub, reported at once and enforced failing closed, alike in {@code compile}) and a namespace of
 * 20,000 pods that one selector matches. Another cluster shares its event partition and must
 * converge all the same; deleting the huge policy must then take effect (the partition keeps
 * moving).
 */
class LargeObjectsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APP_ID = "large-engine";

  @TempDir Path dir;

  @Test
  void noObjectStopsTheEngineAndEveryNodeEqualsCompile() throws Exception {
    Path big = dir.resolve("big");
    Path small = dir.resolve("small");
    writeBig(big, true);
    writeSmall(small, "a");
    Topics.Layout d = Topics.Layout.defaults();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        Engine engine =
            Engine.start(
                new EngineConfig(
                    kafka.bootstrapServers(),
                    APP_ID,
                    dir.resolve("engine"),
                    new Topics.Layout(1, 2, d.eventRetentionMs(), d.deadLetterRetentionMs()),
                    Map.of()));
        EventPublisher bigPublisher =
            EventPublisher.start(
                "big", kafka.bootstrapServers(), IngestMetrics.counting(), Map.of());
        EventPublisher smallPublisher =
            EventPublisher.start(
                "small", kafka.bootstrapServers(), IngestMetrics.counting(), Map.of());
        ConvergenceCheck convergence = new ConvergenceCheck(kafka.bootstrapServers(), APP_ID)) {
      List<String> notes = new CopyOnWriteArrayList<>();
      ManifestIngest bigIngest =
          new ManifestIngest(big, "big", bigPublisher, Clock.systemUTC(), notes::add);
      ManifestIngest smallIngest =
          new ManifestIngest(small, "small", smallPublisher, Clock.systemUTC(), notes::add);
      Path dry = dir.resolve("dry");
      List<Applier> appliers = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (String cluster : List.of("big", "small")) {
        Path out = dry.resolve(cluster);
        Applier a =
            new Applier(
                new ApplierConfig(
                    cluster,
                    "node-1",
                    kafka.bootstrapServers(),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(5),
                    -1),
                new DryRunNetfilter(out.resolve("node-1")),
                Clock.systemUTC(),
                rendered -> PayloadWriter.writeNode(out, PayloadText.full(rendered)));
        appliers.add(a);
        Thread t = new Thread(a, "applier-" + cluster);
        t.start();
        threads.add(t);
      }
      try {
        // The huge policy goes first on the shared partition: the small cluster's events come after
        // it.
        bigIngest.publishOnce(Duration.ofSeconds(120));
        smallIngest.publishOnce(Duration.ofSeconds(60));
        assertThat(notes)
            .anySatisfy(
                n ->
                    assertThat(n)
                        .contains(
                            "NetworkPolicy shop/huge",
                            "bytes, more than an event carries",
                            "fail closed"));
        awaitConverged(convergence, "step 1");
        assertEqualsCompile(big, dry.resolve("big"), "big step 1");
        assertEqualsCompile(small, dry.resolve("small"), "small step 1");

        String ipset = Files.readString(dry.resolve("big/node-1/ipset.restore"));
        String iptables = Files.readString(dry.resolve("big/node-1/iptables.restore"));
        assertThat(ipset.lines().filter(l -> l.startsWith("add FNL-B4-")).count())
            .as("10,000 blocks, one set")
            .isEqualTo(10_000);
        assertThat(ipset.lines().filter(l -> l.startsWith("add FNL-P4-")).count())
            .as("20,000 crowd pods in one set")
            .isEqualTo(20_000);
        assertThat(iptables)
            .contains(
                "shop/web-0 ingress: shop/many-blocks",
                "shop/api-0 ingress: shop/huge",
                "shop/db-0 ingress: shop/from-crowd");
        assertThat(deadLetters(kafka.bootstrapServers()))
            .anySatisfy(
                r ->
                    assertThat(r)
                        .contains("NetworkPolicy shop/huge", "bytes, more than an event carries"));

        // The huge policy deleted, a change in the other cluster: both take effect.
        writeBig(big, false);
        writeSmall(small, "b");
        bigIngest.publishOnce(Duration.ofSeconds(120));
        smallIngest.publishOnce(Duration.ofSeconds(60));
        awaitConverged(convergence, "step 2");
        assertEqualsCompile(big, dry.resolve("big"), "big step 2");
        assertEqualsCompile(small, dry.resolve("small"), "small step 2");
        assertThat(Files.readString(dry.resolve("big/node-1/iptables.restore")))
            .doesNotContain("shop/huge");
      } finally {
        appliers.forEach(Applier::close);
        for (Thread t : threads) {
          t.join(10_000);
        }
      }
    }
  }

  private static void awaitConverged(ConvergenceCheck convergence, String step) {
    await(step)
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                convergence.converged("big", List.of("node-1"))
                    && convergence.converged("small", List.of("node-1")));
  }

  private void assertEqualsCompile(Path manifests, Path dry, String step) throws Exception {
    Path compiled = dir.resolve("compiled-" + step.replace(' ', '-'));
    StringWriter err = new StringWriter();
    assertThat(
            Main.commandLine()
                .setErr(new PrintWriter(err))
                .setOut(new PrintWriter(new StringWriter()))
                .execute(
                    "compile", "--manifests", manifests.toString(), "--out", compiled.toString()))
        .as(err.toString())
        .isZero();
    for (String f : PayloadWriter.FILES) {
      assertThat(Files.readString(dry.resolve("node-1").resolve(f)))
          .as("%s node-1 %s", step, f)
          .isEqualTo(Files.readString(compiled.resolve("node-1").resolve(f)));
    }
  }

  private static List<String> deadLetters(String bootstrap) {
    List<String> reasons = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> tps =
          c.partitionsFor(Topics.DEAD_LETTER).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          reasons.add(
              new String(
                  r.headers().lastHeader(DeadLetter.REASON).value(), StandardCharsets.UTF_8));
        }
      }
    }
    return reasons;
  }

  /** Cluster "big": the three large cases, on node-1, and 20,000 crowd pods on 200 other nodes. */
  private static void writeBig(Path folder, boolean withHuge) throws Exception {
    Files.createDirectories(folder);
    ArrayNode items = JSON.createArrayNode();
    items.add(namespace("shop", "team", "shop"));
    items.add(namespace("crowd", "team", "crowd"));
    items.add(pod("shop", "web-0", "web", "node-1", "10.244.1.10"));
    items.add(pod("shop", "api-0", "api", "node-1", "10.244.1.11"));
    items.add(pod("shop", "db-0", "db", "node-1", "10.244.1.12"));
    for (int i = 0; i < 20_000; i++) {
      items.add(
          pod(
              "crowd",
              "c-" + i,
              "crowd",
              "node-" + (2 + i / 100),
              "10.245." + (i / 100) + "." + (10 + i % 100)));
    }
    items.add(blockPolicy("many-blocks", "web", 10_000));
    if (withHuge) {
      ObjectNode huge = blockPolicy("huge", "api", 60_000);
      assertThat(OversizeObjects.size(huge)).isGreaterThan(2 * OversizeObjects.MAX_OBJECT_BYTES);
      items.add(huge);
    }
    ObjectNode fromCrowd = policy("shop", "from-crowd", "db");
    ((ObjectNode) fromCrowd.path("spec"))
        .putArray("ingress")
        .addObject()
        .putArray("from")
        .addObject()
        .putObject("namespaceSelector")
        .putObject("matchLabels")
        .put("team", "crowd");
    items.add(fromCrowd);
    write(folder.resolve("cluster.json"), items);
  }

  private static void writeSmall(Path folder, String app) throws Exception {
    Files.createDirectories(folder);
    ArrayNode items = JSON.createArrayNode();
    items.add(namespace("default", "team", "small"));
    items.add(pod("default", "a-0", app, "node-1", "10.244.1.10"));
    ObjectNode denyA = policy("default", "deny-a", "a");
    ((ObjectNode) denyA.path("spec")).putArray("policyTypes").add("Ingress");
    items.add(denyA);
    write(folder.resolve("cluster.json"), items);
  }

  private static void write(Path file, ArrayNode items) throws Exception {
    ObjectNode list = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "List");
    list.set("items", items);
    Files.write(file, JSON.writeValueAsBytes(list));
  }

  private static ObjectNode namespace(String name, String label, String value) {
    ObjectNode n = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
    n.putObject("metadata").put("name", name).putObject("labels").put(label, value);
    return n;
  }

  private static ObjectNode pod(String ns, String name, String app, String node, String ip) {
    ObjectNode p = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
    p.putObject("metadata")
        .put("name", name)
        .put("namespace", ns)
        .putObject("labels")
        .put("app", app);
    p.putObject("spec").put("nodeName", node);
    p.putObject("status").put("phase", "Running").put("podIP", ip);
    return p;
  }

  private static ObjectNode policy(String ns, String name, String app) {
    ObjectNode p =
        JSON.createObjectNode()
            .put("apiVersion", "networking.k8s.io/v1")
            .put("kind", "NetworkPolicy");
    p.putObject("metadata").put("name", name).put("namespace", ns);
    p.putObject("spec").putObject("podSelector").putObject("matchLabels").put("app", app);
    return p;
  }

  /**
   * Ingress from {@code blocks} /32 blocks, every other address (none merge into a wider prefix).
   */
  private static ObjectNode blockPolicy(String name, String app, int blocks) {
    ObjectNode p = policy("shop", name, app);
    ArrayNode from = ((ObjectNode) p.path("spec")).putArray("ingress").addObject().putArray("from");
    for (int i = 0; i < blocks; i++) {
      int a = 2 * i;
      from.addObject()
          .putObject("ipBlock")
          .put(
              "cidr", "172." + (16 + a / 65_536) + "." + (a / 256 % 256) + "." + (a % 256) + "/32");
    }
    return p;
  }
}
