package io.fenceline.it.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fenceline.applier.Applier;
import io.fenceline.applier.ApplierConfig;
import io.fenceline.applier.kernel.CommandRunner;
import io.fenceline.applier.kernel.IptablesBackend;
import io.fenceline.applier.kernel.ProcessNetfilter;
import io.fenceline.applier.status.ConvergenceCheck;
import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.cli.Main;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.engine.Engine;
import io.fenceline.engine.EngineConfig;
import io.fenceline.kafka.topics.NodePartitions;
import io.fenceline.kafka.topics.Receipt;
import io.fenceline.kafka.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node payload the kernel refuses, on real netfilter in a scratch network namespace (issue 16,
 * item 4): the receipt is {@code failed} and names the command and what the tool said, the kernel
 * keeps exactly the rules and set members it had (sampled across the applier's retries), and once
 * the cause is gone the applier's retry applies the new state and an {@code ok} receipt follows.
 * Two real refusals: {@code ipset restore} refusing a set because a set of that name and another
 * type exists (someone else's), and {@code iptables-restore} refusing to delete a chain another
 * agent's rule jumps to, after the set additions of the same apply were already in the kernel.
 */
class ApplierRefusalIT {
  private static final String CLUSTER = "default";
  private static final String NODE = "node-1";
  private static final Instant AT = Instant.parse("2026-11-26T10:00:00Z");
  private static final String STEP_A =
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

  /** Step B adds a client and a policy that needs a new peer set (pods labelled app=api). */
  private static final String STEP_B_ADDED =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: api-0, namespace: prod, labels: {app: api}}
      spec: {nodeName: node-1}
      status: {phase: Running, podIP: 10.244.1.13}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: db-from-api, namespace: prod}
      spec:
        podSelector: {matchLabels: {app: db}}
        ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: 6379}]}]
      """;

  private static final String WEB_1 =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: web-1, namespace: prod, labels: {app: web}}
      spec: {nodeName: node-1}
      status: {phase: Running, podIP: 10.244.1.14}
      """;

  @TempDir Path dir;
  private final String netns = "fnlref-" + ProcessHandle.current().pid();
  private Applier applier;
  private Thread thread;

  @BeforeEach
  void namespace() {
    RootRequirement.check();
    CommandRunner.onHost().attempt(List.of("ip", "netns", "del", netns), null);
    CommandRunner.onHost().check("ip", "netns", "add", netns);
  }

  @AfterEach
  void cleanUp() throws InterruptedException {
    if (applier != null) {
      applier.close();
      thread.join(30_000);
    }
    CommandRunner.onHost().attempt(List.of("ip", "netns", "del", netns), null);
  }

  @Test
  void aRefusedPayloadIsReportedWithTheReasonAndThePreviousRulesStay() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
      String bootstrap = kafka.bootstrapServers();
      Topics.Layout d = Topics.Layout.defaults();
      try (Engine engine =
              Engine.start(
                  new EngineConfig(
                      bootstrap,
                      "refusal-it",
                      dir.resolve("engine"),
                      new Topics.Layout(1, 2, d.eventRetentionMs(), d.deadLetterRetentionMs()),
                      Map.of()));
          ConvergenceCheck receipts = new ConvergenceCheck(bootstrap, "refusal-it")) {
        publishUpserts(bootstrap, STEP_A);
        startApplier(bootstrap);
        assertThat(applier.awaitCaughtUp(Duration.ofMinutes(3))).as("first apply").isTrue();
        Receipt ok = awaitLatest(bootstrap, receipts, "ok");
        assertThat(kernel()).contains("prod/db-from-web").contains("add ").contains(" 10.244.1.11");

        // 1. ipset refuses: someone else made a set with the name step B's new peer set needs, of
        // another type.
        String apiSet = newSetOf(STEP_A + "---\n" + STEP_B_ADDED);
        sh("ipset create " + apiSet + " bitmap:port range 1-1024");
        String before = kernel();
        publishUpserts(bootstrap, STEP_B_ADDED);
        Receipt refused = awaitLatest(bootstrap, receipts, "failed");
        assertThat(refused.factsOffset()).isGreaterThan(ok.factsOffset());
        assertThat(refused.error())
            .startsWith(
                "ipset restore of the new sets and members refused: ipset restore (netns "
                    + netns
                    + ") exited 1:")
            .contains("Set cannot be created: set with the same name already exists")
            .contains("[input line ")
            .contains("create " + apiSet + " ")
            .endsWith("; the previous rules and set members stay")
            .doesNotContain("\n")
            .doesNotContain("Exception")
            .hasSizeLessThanOrEqualTo(600);
        assertThat(applier.healthy()).isFalse();
        assertThat(applier.lastError()).isEqualTo(refused.error());
        assertUnchangedAcrossRetries(
            receipts, before, refused.factsOffset(), "after ipset refused a set");

        // The foreign set goes: the retry applies step B.
        sh("ipset destroy " + apiSet);
        Receipt recovered = awaitLatest(bootstrap, receipts, "ok");
        assertThat(recovered.factsOffset()).isGreaterThanOrEqualTo(refused.factsOffset());
        String afterB = kernel();
        assertThat(afterB).contains("prod/db-from-api").contains("add " + apiSet + " 10.244.1.13");
        assertThat(applier.healthy()).isTrue();

        // 2. iptables-restore refuses: another agent's rule jumps to the chain of db-from-api,
        // which
        // step C deletes; the same apply adds web-1 to the web set and removes web-0 from it.
        String polChain = chainOf(afterB, "prod/db-from-api");
        sh("iptables -A FORWARD -j " + polChain);
        String beforeC = kernel();
        publish(
            bootstrap,
            List.of(
                ChangeEvent.delete(
                    CLUSTER, "NetworkPolicy", "prod", "db-from-api", null, null, AT, 1),
                upsert(ManifestParser.parse("web-1.yaml", WEB_1).get(0).node()),
                ChangeEvent.delete(CLUSTER, "Pod", "prod", "web-0", null, null, AT, 1)));
        Receipt refusedC = awaitLatest(bootstrap, receipts, "failed");
        assertThat(refusedC.error())
            .matches(
                "iptables-restore of the IPv4 rules refused: iptables(-nft|-legacy)?-restore --noflush \\(netns "
                    + netns
                    + "\\) exited \\d+: .*")
            .contains("Device or resource busy")
            .contains("[input line ")
            .contains("-X " + polChain + "]")
            .endsWith("; the previous rules and set members stay")
            .doesNotContain("\n")
            .hasSizeLessThanOrEqualTo(600);
        assertThat(kernel())
            .as("web-1's address, added before the refused rules, was taken back")
            .doesNotContain("10.244.1.14");
        assertUnchangedAcrossRetries(
            receipts, beforeC, refusedC.factsOffset(), "after iptables-restore refused");

        // The foreign jump goes: the retry applies step C.
        sh("iptables -D FORWARD -j " + polChain);
        awaitLatest(bootstrap, receipts, "ok");
        String afterC = kernel();
        assertThat(afterC)
            .doesNotContain("db-from-api")
            .doesNotContain(polChain)
            .doesNotContain(apiSet)
            .contains(" 10.244.1.14")
            .doesNotContain(" 10.244.1.11");
        assertThat(receipts.receipts())
            .as("no receipt carries a stack trace")
            .allSatisfy(
                r ->
                    assertThat(r.error() == null ? "" : r.error())
                        .doesNotContain("\tat ")
                        .doesNotContain("Exception"));
      }
    }
  }

  /**
   * Samples the kernel while the applier retries (at least two more refusals): it never changes.
   */
  private void assertUnchangedAcrossRetries(
      ConvergenceCheck receipts, String before, long factsOffset, String what) {
    long refusals =
        receipts.receipts().stream()
            .filter(r -> r.result().equals("failed") && r.factsOffset() == factsOffset)
            .count();
    await(what)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              assertThat(kernel()).as(what).isEqualTo(before);
              assertThat(
                      receipts.receipts().stream()
                          .filter(
                              r -> r.result().equals("failed") && r.factsOffset() == factsOffset)
                          .count())
                  .as("retries refused too")
                  .isGreaterThanOrEqualTo(refusals + 2);
            });
    assertThat(kernel()).as(what).isEqualTo(before);
  }

  /**
   * The node's latest receipt, once the engine has processed every event and the receipt has this
   * result and covers the node's whole node-facts partition.
   */
  private Receipt awaitLatest(String bootstrap, ConvergenceCheck receipts, String result) {
    Receipt[] latest = new Receipt[1];
    await("a receipt " + result)
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              // The engine has processed every event published so far (else the receipt may predate
              // its facts).
              String whyNot = receipts.whyNot(CLUSTER, List.of(NODE));
              assertThat(whyNot == null || whyNot.startsWith("node " + NODE))
                  .as(String.valueOf(whyNot))
                  .isTrue();
              List<Receipt> all =
                  receipts.receipts().stream().filter(r -> r.node().equals(NODE)).toList();
              assertThat(all).isNotEmpty();
              Receipt last = all.get(all.size() - 1);
              assertThat(last.result()).as(last.toString()).isEqualTo(result);
              assertThat(last.factsOffset()).as(last.toString()).isEqualTo(factsEnd(bootstrap));
              latest[0] = last;
            });
    return latest[0];
  }

  private static long factsEnd(String bootstrap) {
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition tp =
          new TopicPartition(
              Topics.NODE_FACTS,
              NodePartitions.partitionOf(CLUSTER, NODE, c.partitionsFor(Topics.NODE_FACTS).size()));
      return c.endOffsets(List.of(tp)).get(tp);
    }
  }

  /**
   * The name of a set the node's payload for these manifests has and the kernel does not have yet.
   */
  private String newSetOf(String manifests) throws Exception {
    Path in = dir.resolve("step-b.yaml");
    Files.writeString(in, manifests);
    Path out = dir.resolve("step-b-payloads");
    StringWriter err = new StringWriter();
    int rc =
        Main.commandLine()
            .setErr(new PrintWriter(err))
            .setOut(new PrintWriter(new StringWriter()))
            .execute("compile", "--manifests", in.toString(), "--out", out.toString());
    assertThat(rc).as(err.toString()).isZero();
    Set<String> wanted = new TreeSet<>();
    for (String line : Files.readAllLines(out.resolve(NODE).resolve("ipset.restore"))) {
      String[] p = line.split(" ");
      if (p[0].equals("create") && !p[1].endsWith("-T")) {
        wanted.add(p[1]);
      }
    }
    String have = CommandRunner.inNetns(netns).check("ipset", "list", "-n");
    wanted.removeIf(have::contains);
    assertThat(wanted).as("step B needs exactly one new set").hasSize(1);
    return wanted.iterator().next();
  }

  private static String chainOf(String kernel, String comment) {
    Matcher m =
        Pattern.compile("(?m)^-A (FNL-POL-\\S+) .*" + Pattern.quote(comment)).matcher(kernel);
    assertThat(m.find()).as("a policy chain commented " + comment + " in\n" + kernel).isTrue();
    return m.group(1);
  }

  private void startApplier(String bootstrap) {
    CommandRunner runner = new CommandRunner(netns, 60);
    applier =
        new Applier(
            new ApplierConfig(
                CLUSTER, NODE, bootstrap, Duration.ofMinutes(10), Duration.ofSeconds(2), -1),
            new ProcessNetfilter(runner, IptablesBackend.detect(runner)),
            Clock.systemUTC(),
            rendered -> {});
    thread = new Thread(applier, "applier-" + netns);
    thread.setDaemon(true);
    thread.start();
  }

  private void sh(String command) {
    CommandRunner.inNetns(netns).check("sh", "-c", command);
  }

  /** The filter rules (ours and others') and every set, without counters and hash seeds. */
  private String kernel() {
    String rules =
        CommandRunner.inNetns(netns)
            .check("iptables-save", "-t", "filter")
            .lines()
            .filter(l -> l.startsWith("-") || l.startsWith(":FNL"))
            .map(l -> l.replaceAll("\\[\\d+:\\d+\\]", ""))
            .reduce("", (a, b) -> a + b + "\n");
    String rules6 =
        CommandRunner.inNetns(netns)
            .check("ip6tables-save", "-t", "filter")
            .lines()
            .filter(l -> l.startsWith("-") || l.startsWith(":FNL"))
            .map(l -> l.replaceAll("\\[\\d+:\\d+\\]", ""))
            .reduce("", (a, b) -> a + b + "\n");
    String sets = CommandRunner.inNetns(netns).check("ipset", "save");
    return rules
        + "--- ip6\n"
        + rules6
        + "--- sets\n"
        + sets.lines()
            .map(l -> l.replaceAll(" initval 0x[0-9a-f]+", ""))
            .sorted()
            .reduce("", (a, b) -> a + b + "\n");
  }

  private static ChangeEvent upsert(JsonNode o) {
    String kind = o.get("kind").asText();
    String ns = kind.equals("Namespace") ? "" : o.path("metadata").path("namespace").asText();
    return ChangeEvent.upsert(
        CLUSTER, kind, ns, o.path("metadata").path("name").asText(), null, null, AT, 1, o);
  }

  private static void publishUpserts(String bootstrap, String yaml) throws Exception {
    List<ChangeEvent> events = new java.util.ArrayList<>();
    for (RawObject raw : ManifestParser.parse("step.yaml", yaml)) {
      events.add(upsert(raw.node()));
    }
    publish(bootstrap, events);
  }

  private static void publish(String bootstrap, List<ChangeEvent> events) throws Exception {
    Map<String, Object> p =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (ChangeEvent e : events) {
        producer.send(new ProducerRecord<>(Topics.EVENTS, CLUSTER, EventCodec.encode(e))).get();
      }
    }
  }
}
