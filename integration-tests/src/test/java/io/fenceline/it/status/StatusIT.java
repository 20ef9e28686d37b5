package io.fenceline.it.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fenceline.applier.Applier;
import io.fenceline.applier.ApplierConfig;
import io.fenceline.applier.kernel.DryRunNetfilter;
import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.cli.Main;
import io.fenceline.engine.Engine;
import io.fenceline.engine.EngineConfig;
import io.fenceline.it.containers.ContainerImages;
import io.fenceline.kafka.topics.EventPartitions;
import io.fenceline.kafka.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fenceline status} on a real broker tells the truth about the whole pipeline: events the
 * engine has not processed (no engine yet, or a stopped one) make it exit 1 naming the partition,
 * the offsets and the cluster, and 0 once the engine caught up; an applier that stops makes its
 * node stale after {@code --stale-after} (while running, its heartbeat receipts keep an idle node
 * fresh).
 */
class StatusIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  private static Run fenceline(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc =
        Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(rc, out.toString(), err.toString());
  }

  private static Path examples() {
    return ContainerImages.repoDir().resolve("examples");
  }

  /**
   * The partition's end once it has settled: a transaction's commit marker is written just after
   * the producer's commit returns, so an end read at once can be one short of what status sees.
   */
  private static long endOf(Admin admin, int partition) throws Exception {
    long last = rawEnd(admin, partition);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int stable = 0;
    while (stable < 5 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      long now = rawEnd(admin, partition);
      stable = now == last ? stable + 1 : 0;
      last = now;
    }
    return last;
  }

  private static long rawEnd(Admin admin, int partition) throws Exception {
    TopicPartition tp = new TopicPartition(Topics.EVENTS, partition);
    return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
  }

  private Engine engine(EmbeddedKafka kafka, String app) {
    return Engine.start(
        new EngineConfig(
            kafka.bootstrapServers(),
            app,
            dir.resolve("engine-" + app),
            Topics.Layout.defaults(),
            Map.of()));
  }

  @Test
  void anEngineThatHasNotProcessedAClustersEventsFailsStatusNamingPartitionAndLag()
      throws Exception {
    String app = "status-it-engine";
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      String b = kafka.bootstrapServers();
      Run ingest =
          fenceline(
              "ingest",
              "--manifests",
              examples().toString(),
              "--cluster",
              "c1",
              "--bootstrap-servers",
              b);
      assertThat(ingest.exit()).as(ingest.err()).isZero();
      int partition = EventPartitions.partitionOf("c1", Topics.Layout.defaults().eventPartitions());
      long end = endOf(admin, partition);
      assertThat(end).isPositive();

      // No engine has ever run.
      Run status =
          fenceline("status", "--cluster", "c1", "--application-id", app, "--bootstrap-servers", b);
      assertThat(status.exit()).as(status.out() + status.err()).isEqualTo(1);
      assertThat(status.out())
          .contains(
              "problem: engine: "
                  + Topics.EVENTS
                  + "-"
                  + partition
                  + " committed nothing of "
                  + end
                  + " (cluster c1): the engine has not processed the cluster's latest events");
      Run json =
          fenceline(
              "status",
              "--cluster",
              "c1",
              "--application-id",
              app,
              "-o",
              "json",
              "--bootstrap-servers",
              b);
      assertThat(json.exit()).isEqualTo(1);
      JsonNode j = JSON.readTree(json.out());
      assertThat(j.get("current").asBoolean()).isFalse();
      assertThat(j.at("/engine/partitions"))
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.get("partition").asInt()).isEqualTo(partition);
                assertThat(p.get("committed").isNull()).isTrue();
                assertThat(p.get("lag").asLong()).isEqualTo(end);
                assertThat(p.get("clusters").get(0).asText()).isEqualTo("c1");
              });

      // The engine runs and catches up (the end includes the transaction's commit marker).
      try (Engine engine = engine(kafka, app)) {
        await("engine caught up")
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () ->
                    fenceline(
                                "status",
                                "--cluster",
                                "c1",
                                "--application-id",
                                app,
                                "--bootstrap-servers",
                                b)
                            .exit()
                        == 0);
        Run ok =
            fenceline(
                "status", "--cluster", "c1", "--application-id", app, "--bootstrap-servers", b);
        assertThat(ok.out())
            .contains(Topics.EVENTS + "-" + partition, "\ncurrent (stale after 60s)")
            .doesNotContain("problem:");
      }

      // The engine stops; new events arrive: behind again, with both offsets.
      long committed = endOf(admin, partition);
      Path changed = dir.resolve("changed");
      java.nio.file.Files.createDirectories(changed);
      for (Path f :
          List.of(examples().resolve("cluster.yaml"), examples().resolve("seed-policy.yaml"))) {
        java.nio.file.Files.writeString(
            changed.resolve(f.getFileName()),
            java.nio.file.Files.readString(f).replace("role: frontend", "role: batch"));
      }
      assertThat(
              fenceline(
                      "ingest",
                      "--manifests",
                      changed.toString(),
                      "--cluster",
                      "c1",
                      "--bootstrap-servers",
                      b)
                  .exit())
          .isZero();
      long newEnd = endOf(admin, partition);
      assertThat(newEnd).isGreaterThan(committed);
      Run stopped =
          fenceline("status", "--cluster", "c1", "--application-id", app, "--bootstrap-servers", b);
      assertThat(stopped.exit()).isEqualTo(1);
      assertThat(stopped.out())
          .contains(
              "problem: engine: "
                  + Topics.EVENTS
                  + "-"
                  + partition
                  + " committed "
                  + committed
                  + " of "
                  + newEnd
                  + " (cluster c1)");
    }
  }

  @Test
  void clusterNetworkPoliciesThatShareAPriorityAreAWarningInStatus() throws Exception {
    String app = "status-it-warnings";
    Path manifests = dir.resolve("clash");
    java.nio.file.Files.createDirectories(manifests);
    for (String f : List.of("cluster.yaml", "seed-policy.yaml", "cluster-guardrails.yaml")) {
      java.nio.file.Files.copy(examples().resolve(f), manifests.resolve(f));
    }
    // A second Admin policy at protect-db's priority (10).
    java.nio.file.Files.writeString(
        manifests.resolve("clash.yaml"),
        """
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: also-ten}
        spec:
          tier: Admin
          priority: 10
          subject: {namespaces: {}}
          egress:
            - {action: Pass, to: [{networks: [192.0.2.0/24]}]}
        """);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
      String b = kafka.bootstrapServers();
      Run ingest =
          fenceline(
              "ingest",
              "--manifests",
              manifests.toString(),
              "--cluster",
              "c2",
              "--bootstrap-servers",
              b);
      assertThat(ingest.exit()).as(ingest.err()).isZero();
      try (Engine engine = engine(kafka, app)) {
        await("engine caught up")
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () ->
                    fenceline(
                                "status",
                                "--cluster",
                                "c2",
                                "--application-id",
                                app,
                                "--bootstrap-servers",
                                b)
                            .exit()
                        == 0);
        Run ok =
            fenceline(
                "status", "--cluster", "c2", "--application-id", app, "--bootstrap-servers", b);
        String shared =
            ": Admin tier priority 10 is shared by [also-ten, protect-db]; the API leaves their"
                + " order open, fenceline evaluates them by name";
        assertThat(ok.out())
            .contains(
                "warning: cluster c2: ClusterNetworkPolicy also-ten" + shared,
                "warning: cluster c2: ClusterNetworkPolicy protect-db" + shared)
            .doesNotContain("problem:");

        // The clash is resolved: its warnings are cleared.
        java.nio.file.Files.delete(manifests.resolve("clash.yaml"));
        assertThat(
                fenceline(
                        "ingest",
                        "--manifests",
                        manifests.toString(),
                        "--cluster",
                        "c2",
                        "--bootstrap-servers",
                        b)
                    .exit())
            .isZero();
        await("warnings cleared")
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () -> {
                  Run r =
                      fenceline(
                          "status",
                          "--cluster",
                          "c2",
                          "--application-id",
                          app,
                          "--bootstrap-servers",
                          b);
                  return r.exit() == 0 && !r.out().contains("ClusterNetworkPolicy");
                });
      }
    }
  }

  @Test
  void aNodeWhoseApplierStoppedGoesStaleWhileARunningIdleApplierStaysFresh() throws Exception {
    String app = "status-it-engine";
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
      String b = kafka.bootstrapServers();
      try (Engine engine = engine(kafka, app)) {
        assertThat(
                fenceline(
                        "ingest",
                        "--manifests",
                        examples().toString(),
                        "--cluster",
                        "default",
                        "--bootstrap-servers",
                        b)
                    .exit())
            .isZero();
        List<Applier> appliers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (String node : List.of("node-1", "node-2")) {
          Applier a =
              new Applier(
                  new ApplierConfig(
                      "default",
                      node,
                      b,
                      Duration.ofSeconds(30),
                      Duration.ofSeconds(5),
                      -1,
                      Map.of(),
                      Duration.ofSeconds(1)),
                  new DryRunNetfilter(dir.resolve("dry").resolve(node)),
                  Clock.systemUTC(),
                  rendered -> {});
          Thread t = new Thread(a, "applier-" + node);
          t.start();
          appliers.add(a);
          threads.add(t);
        }
        try {
          String[] status = {
            "status",
            "--cluster",
            "default",
            "--stale-after",
            "4",
            "--application-id",
            app,
            "--bootstrap-servers",
            b
          };
          await("converged")
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofSeconds(1))
              .until(() -> fenceline(status).exit() == 0);
          // Nothing changes any more; the heartbeats keep both nodes fresh well past --stale-after.
          await("fresh while idle")
              .during(Duration.ofSeconds(8))
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofSeconds(1))
              .until(() -> fenceline(status).exit() == 0);
          Run ok = fenceline(status);
          assertThat(ok.out()).contains("node-1", "node-2").doesNotContain("problem:");

          appliers.get(0).close();
          threads.get(0).join(10_000);
          assertThat(threads.get(0).isAlive()).isFalse();
          await("node-1 stale")
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofSeconds(1))
              .until(() -> fenceline(status).exit() == 1);
          Run stale = fenceline(status);
          assertThat(stale.out())
              .containsPattern(
                  "problem: default/node-1: last receipt \\d+s ago \\(threshold 4s\\): applier not running\\?")
              .doesNotContain("problem: default/node-2")
              .contains("not current: 1 problem");
          JsonNode j =
              JSON.readTree(
                  fenceline(
                          "status",
                          "--cluster",
                          "default",
                          "--stale-after",
                          "4",
                          "--application-id",
                          app,
                          "-o",
                          "json",
                          "--bootstrap-servers",
                          b)
                      .out());
          assertThat(j.get("nodes"))
              .extracting(n -> n.get("node").asText() + "=" + n.get("state").asText())
              .containsExactly("node-1=stale", "node-2=current");
        } finally {
          appliers.forEach(Applier::close);
          for (Thread t : threads) {
            t.join(10_000);
          }
        }
      }
    }
  }
}
