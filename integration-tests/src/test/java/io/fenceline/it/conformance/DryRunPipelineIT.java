package io.fenceline.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fenceline.applier.Applier;
import io.fenceline.applier.ApplierConfig;
import io.fenceline.applier.kernel.DryRunNetfilter;
import io.fenceline.applier.status.ConvergenceCheck;
import io.fenceline.applier.status.NodeStatus;
import io.fenceline.applier.status.StatusQuery;
import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.cli.Main;
import io.fenceline.cli.io.PayloadWriter;
import io.fenceline.core.render.PayloadText;
import io.fenceline.engine.Engine;
import io.fenceline.engine.EngineConfig;
import io.fenceline.kafka.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appliers in dry-run mode (no kernel, no root) behind the real broker and engine: after every step
 * of a case, each node's payload files are byte-for-byte what {@code fenceline compile} writes for
 * the same manifests, and {@code status} reports every node current.
 */
class DryRunPipelineIT {
  @TempDir Path dir;

  @Test
  void dryRunPayloadsEqualCompileAfterEveryStep() throws Exception {
    Path caseFile =
        Path.of(System.getProperty("fenceline.cases.dir", "src/test/resources/cases"))
            .resolve("own/policy-update-and-relabel.yaml");
    CaseFile c = CaseFile.read(caseFile);
    CaseCluster cluster = CaseCluster.of(c);
    Topics.Layout d = Topics.Layout.defaults();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        Engine engine =
            Engine.start(
                new EngineConfig(
                    kafka.bootstrapServers(),
                    "dry-engine",
                    dir.resolve("engine"),
                    new Topics.Layout(2, 3, d.eventRetentionMs(), d.deadLetterRetentionMs()),
                    Map.of()));
        ClusterPublisher publisher = new ClusterPublisher("default", kafka.bootstrapServers());
        ConvergenceCheck convergence =
            new ConvergenceCheck(kafka.bootstrapServers(), "dry-engine")) {
      Path dry = dir.resolve("dry");
      List<Applier> appliers = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (String node : CaseCluster.NODES) {
        Applier a =
            new Applier(
                new ApplierConfig(
                    "default",
                    node,
                    kafka.bootstrapServers(),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(5),
                    -1),
                new DryRunNetfilter(dry.resolve(node)),
                Clock.systemUTC(),
                rendered -> PayloadWriter.writeNode(dry, PayloadText.full(rendered)));
        appliers.add(a);
        Thread t = new Thread(a, "applier-" + node);
        t.start();
        threads.add(t);
      }
      try {
        int stepNo = 0;
        for (CaseFile.Step step : c.steps()) {
          cluster.apply(step);
          String manifests = cluster.manifests();
          publisher.publish(manifests);
          await("step " + stepNo)
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> convergence.converged("default", CaseCluster.NODES));
          Path m = Files.writeString(dir.resolve("manifests-" + stepNo + ".yaml"), manifests);
          Path compiled = dir.resolve("compiled-" + stepNo);
          StringWriter err = new StringWriter();
          assertThat(
                  Main.commandLine()
                      .setErr(new PrintWriter(err))
                      .setOut(new PrintWriter(new StringWriter()))
                      .execute(
                          "compile", "--manifests", m.toString(), "--out", compiled.toString()))
              .as(err.toString())
              .isZero();
          for (String node : CaseCluster.NODES) {
            for (String f : PayloadWriter.FILES) {
              assertThat(Files.readString(dry.resolve(node).resolve(f)))
                  .as("step %d node %s %s", stepNo, node, f)
                  .isEqualTo(Files.readString(compiled.resolve(node).resolve(f)));
            }
          }
          try (StatusQuery q = new StatusQuery(kafka.bootstrapServers())) {
            assertThat(q.nodes())
                .extracting(NodeStatus::current)
                .containsOnly(true)
                .hasSize(CaseCluster.NODES.size());
          }
          stepNo++;
        }
        // Health and Prometheus metrics of an applier.
        Applier first = appliers.get(0);
        try (io.fenceline.kafka.health.HealthServer health =
            new io.fenceline.kafka.health.HealthServer(
                0, first::readiness, first::liveness, first::scrape)) {
          java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
          var healthz =
              http.send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://127.0.0.1:" + health.port() + "/healthz"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
          assertThat(healthz.statusCode()).isEqualTo(200);
          var metrics =
              http.send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://127.0.0.1:" + health.port() + "/metrics"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
          assertThat(metrics.body())
              .contains(
                  "fenceline_applier_applies_total",
                  "fenceline_applier_lag",
                  "fenceline_applier_apply_duration_seconds_bucket",
                  "fenceline_applier_set_members");
        }
        // Every change was also written as a delta, in apply order.
        try (Stream<Path> deltas = Files.list(dry.resolve("node-1").resolve("deltas"))) {
          assertThat(deltas.count()).isGreaterThanOrEqualTo(c.steps().size());
        }
      } finally {
        appliers.forEach(Applier::close);
        for (Thread t : threads) {
          t.join(10_000);
        }
      }
    }
  }
}
