package io.fenceline.cli.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.broker.BrokerResolver;
import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.cli.Main;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.events.EventType;
import io.fenceline.kafka.topics.TopicAdmin;
import io.fenceline.kafka.topics.TopicSpec;
import io.fenceline.kafka.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IngestCommandTest {
  @TempDir Path tmp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = Main.commandLine();
    if (!cl.getSubcommands().containsKey("ingest")) {
      cl.addSubcommand("ingest", new IngestCommand());
    }
    return cl.setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
  }

  private static final String STATE =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: api-0, namespace: shop, labels: {app: api}}
      spec: {nodeName: node-1}
      status: {phase: Running, podIP: 10.0.0.1}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: c, namespace: shop}
      """;

  @Test
  void aManifestThatDoesNotParseExits2AndStartsNoBroker() throws Exception {
    Path m = tmp.resolve("bad.yaml");
    Files.writeString(m, STATE + "---\nkind: Pod\nmetadata: {name: [\n");
    int rc =
        run(
            "ingest",
            "--manifests",
            m.toString(),
            "--cluster",
            "c1",
            "--data-dir",
            tmp.resolve("data").toString());
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString()).startsWith(m + ":");
    assertThat(tmp.resolve("data")).doesNotExist();
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void badUsageExits2() {
    assertThat(run("ingest", "--watch")).isEqualTo(2);
    assertThat(run("ingest", "--manifests", "x", "--context", "a")).isEqualTo(2);
    assertThat(run("ingest", "--context", "a", "--cluster", "b")).isEqualTo(2);
    assertThat(run("ingest", "--in-cluster", "--context", "a")).isEqualTo(2);
  }

  @Test
  void anUnknownContextIsBadInputNotAnotherCluster() throws Exception {
    Path kubeconfig = tmp.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        current-context: real
        clusters: [{name: k, cluster: {server: "https://127.0.0.1:1"}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: real, context: {cluster: k, user: u}}]
        """);
    int rc =
        run(
            "ingest",
            "--kubeconfig",
            kubeconfig.toString(),
            "--context",
            "typo",
            "--data-dir",
            tmp.resolve("data").toString());
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString()).contains("context 'typo' is not in").contains("real");
    assertThat(tmp.resolve("data")).doesNotExist();
  }

  @Test
  void publishesTheManifestsToTheEmbeddedBrokerAndExits0OnceCommitted() throws Exception {
    Path m = tmp.resolve("state.yaml");
    Files.writeString(m, STATE);
    Path data = tmp.resolve("data");
    int rc =
        run(
            "ingest",
            "--manifests",
            m.toString(),
            "--cluster",
            "c1",
            "--data-dir",
            data.toString());
    assertThat(rc).as(err.toString()).isZero();
    assertThat(err.toString()).contains("published 2 objects").contains("ignored 1 ConfigMap");
    assertThat(out.toString()).isEmpty();
    // The broker this command started is gone again; read what it committed with a new one.
    try (BrokerResolver.Resolved broker = BrokerResolver.resolve(null, data, true);
        KafkaConsumer<String, byte[]> c =
            new KafkaConsumer<>(
                Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < Topics.Layout.defaults().eventPartitions(); p++) {
        tps.add(new TopicPartition(Topics.EVENTS, p));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      List<ChangeEvent> events = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (events.size() < 7 && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          assertThat(r.key()).isEqualTo("c1");
          events.add(EventCodec.decode(r.value()));
        }
      }
      assertThat(events)
          .extracting(ChangeEvent::type)
          .filteredOn(t -> t == EventType.UPSERT)
          .hasSize(2);
      assertThat(events)
          .filteredOn(e -> e.type() == EventType.GENERATION_END)
          .extracting(ChangeEvent::kind)
          .containsExactlyInAnyOrder(
              "Namespace", "Pod", "NetworkPolicy", "Node", "ClusterNetworkPolicy");
    }
  }

  /**
   * A broker whose {@code fenceline.events} takes at most 2000 bytes per message refuses a pod with
   * many labels for good: {@code ingest --manifests} (once and {@code --watch}) exits 1 at once
   * with a message naming the cluster, the object, its size and Kafka's error, instead of retrying
   * forever.
   */
  @Test
  void aRecordTheBrokerRefusesForGoodExits1WithTheObjectAndItsSize() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("small-broker"))) {
      List<TopicSpec> specs =
          Topics.Layout.defaults().specs().stream()
              .map(
                  s -> {
                    Map<String, String> configs = new HashMap<>(s.configs());
                    if (s.name().equals(Topics.EVENTS)) {
                      configs.put("max.message.bytes", "2000");
                    }
                    return new TopicSpec(s.name(), s.partitions(), configs);
                  })
              .toList();
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        TopicAdmin.ensure(admin, specs);
      }
      StringBuilder pod =
          new StringBuilder(STATE)
              .append(
                  """
          ---
          apiVersion: v1
          kind: Pod
          metadata:
            name: bulky-0
            namespace: shop
            labels:
          """);
      java.util.Random random = new java.util.Random(7);
      for (int i = 0; i < 60; i++) {
        StringBuilder v = new StringBuilder();
        for (int j = 0; j < 50; j++) {
          v.append(Integer.toHexString(random.nextInt(16)));
        }
        pod.append("    l").append(i).append(": \"").append(v).append("\"\n");
      }
      pod.append("spec: {nodeName: node-1}\nstatus: {phase: Running, podIP: 10.0.0.9}\n");
      Path m = tmp.resolve("bulky.yaml");
      Files.writeString(m, pod.toString());

      for (boolean watch : new boolean[] {false, true}) {
        err.getBuffer().setLength(0);
        long started = System.nanoTime();
        int rc =
            watch
                ? run(
                    "ingest",
                    "--manifests",
                    m.toString(),
                    "--cluster",
                    "bulky-w",
                    "--watch",
                    "--bootstrap-servers",
                    kafka.bootstrapServers())
                : run(
                    "ingest",
                    "--manifests",
                    m.toString(),
                    "--cluster",
                    "bulky",
                    "--bootstrap-servers",
                    kafka.bootstrapServers());
        String cluster = watch ? "bulky-w" : "bulky";
        assertThat(rc).as(err.toString()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .as("at once, not after --timeout")
            .isLessThan(Duration.ofSeconds(45));
        assertThat(err.toString())
            .containsPattern(
                "fenceline ingest: cluster '"
                    + cluster
                    + "': Kafka at "
                    + java.util.regex.Pattern.quote(kafka.bootstrapServers())
                    + " refused upsert of Pod shop/bulky-0 \\(\\d{4,} bytes\\)"
                    + " on topic fenceline.events with an error that retrying cannot mend \\(RecordTooLargeException: ");
        assertThat(out.toString()).isEmpty();
      }
    }
  }
}
