package io.fenceline.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fenceline.applier.status.ConvergenceCheck;
import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.engine.Engine;
import io.fenceline.engine.EngineConfig;
import io.fenceline.it.netns.RootRequirement;
import io.fenceline.kafka.topics.Topics;
import io.fenceline.sandbox.NetnsLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ClusterNetworkPolicy conformance cases (network-policy-api's, transcribed, and fenceline's
 * own {@code cnp-*}) through the whole pipeline: each step's state published as ingest publishes
 * it, compiled by the engine on the embedded broker, applied by one applier process per node into
 * the lab's node network namespaces; once every node's receipt covers the step, every pair is
 * probed and compared with the reference model, upstream's expectations and the case's checks,
 * exactly as {@link ConformanceIT} does for {@code compile}'s payloads. Cases that share a lab run
 * one after the other on the same running appliers (the state of one case replaces the last).
 */
class TierPipelineIT {
  private static final String CLUSTER = "default";
  private static final String ENGINE_APP = "fenceline-engine-tiers";
  private static final Path CASES =
      Path.of(System.getProperty("fenceline.cases.dir", "src/test/resources/cases"));
  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static Engine engine;

  @BeforeAll
  static void start() {
    RootRequirement.check();
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    Topics.Layout d = Topics.Layout.defaults();
    engine =
        Engine.start(
            new EngineConfig(
                kafka.bootstrapServers(),
                ENGINE_APP,
                dir.resolve("engine"),
                new Topics.Layout(2, 4, d.eventRetentionMs(), d.deadLetterRetentionMs()),
                Map.of()));
  }

  @AfterAll
  static void stop() {
    if (engine != null) {
      engine.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static List<CaseFile> tierCases() throws IOException {
    List<CaseFile> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(CASES)) {
      for (Path p :
          s.filter(f -> f.toString().endsWith(".yaml"))
              .filter(
                  f ->
                      f.getParent().getFileName().toString().equals("network-policy-api")
                          || f.getFileName().toString().startsWith("cnp-"))
              .sorted()
              .toList()) {
        out.add(CaseFile.read(p));
      }
    }
    return out;
  }

  @Test
  void everyTierCaseHoldsThroughThePipeline() throws Exception {
    List<CaseFile> cases = tierCases();
    assertThat(cases).as("ClusterNetworkPolicy cases under %s", CASES).hasSizeGreaterThan(25);
    Map<String, List<CaseFile>> byLab = new LinkedHashMap<>();
    for (CaseFile c : cases) {
      byLab.computeIfAbsent(CaseCluster.of(c).labKey(), k -> new ArrayList<>()).add(c);
    }
    Path logs = Files.createDirectories(dir.resolve("logs"));
    List<String> mismatches = new ArrayList<>();
    int steps = 0;
    int probes = 0;
    int labNo = 0;
    try (ClusterPublisher publisher = new ClusterPublisher(CLUSTER, kafka.bootstrapServers());
        ConvergenceCheck convergence = new ConvergenceCheck(kafka.bootstrapServers(), ENGINE_APP)) {
      for (List<CaseFile> group : byLab.values()) {
        CaseFile first = group.get(0);
        try (NetnsLab lab =
            ConformanceIT.startLab(CaseCluster.of(first), first.ports(), "tp" + labNo++)) {
          Map<String, ApplierProcess> appliers = new LinkedHashMap<>();
          for (String node : CaseCluster.NODES) {
            appliers.put(
                node,
                ApplierProcess.start(
                    node,
                    CLUSTER,
                    kafka.bootstrapServers(),
                    lab.nodeNamespace(node),
                    logs,
                    Map.of()));
          }
          try {
            CaseRunner.Enforcer pipeline =
                new CaseRunner.Enforcer() {
                  @Override
                  public void startCase(NetnsLab l) {}

                  @Override
                  public void enforce(
                      NetnsLab l, CaseCluster cluster, Path manifests, String where, int stepNo) {
                    publisher.publish(cluster.manifests());
                    await(where)
                        .atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> convergence.converged(CLUSTER, CaseCluster.NODES));
                  }
                };
            for (CaseFile c : group) {
              CaseRunner.Outcome o = new CaseRunner(lab, dir.resolve("work"), pipeline).run(c);
              steps += o.steps();
              probes += o.probes();
              mismatches.addAll(o.mismatches());
            }
          } finally {
            for (ApplierProcess a : appliers.values()) {
              a.close();
            }
          }
        }
      }
    }
    System.out.printf(
        "tier pipeline: %d cases, %d steps, %d probes, %s%n",
        cases.size(),
        steps,
        probes,
        mismatches.isEmpty() ? "all match" : mismatches.size() + " mismatches");
    assertThat(mismatches).as("probes that disagree through the pipeline").isEmpty();
  }
}
