package io.fenceline.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fenceline.applier.status.ConvergenceCheck;
import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.cli.Main;
import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.reference.ReferenceModel;
import io.fenceline.engine.Engine;
import io.fenceline.engine.EngineConfig;
import io.fenceline.it.netns.RootRequirement;
import io.fenceline.kafka.topics.Receipt;
import io.fenceline.kafka.topics.Topics;
import io.fenceline.sandbox.NetnsLab;
import io.fenceline.sandbox.Probe;
import io.fenceline.sandbox.ProbeMatrix;
import io.fenceline.sandbox.ProbeResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on real parts: a real (embedded KRaft) broker, the engine, and one applier
 * process per node programming its node's network namespace; events published as ingest would;
 * upstream conformance cases with steps (policy updated, pod relabelled, namespace relabelled)
 * followed on the same running nodes, every step probed against the reference model. Faults on the
 * way: an applier killed with SIGKILL mid-stream, a broker restart, an iptables-restore that fails
 * once, drift repaired; ownership (nothing else in the tables changes) and uninstall checked.
 */
class PipelineIT {
  private static final String CLUSTER = "default";
  private static final String ENGINE_APP = "fenceline-engine-it";
  private static final Path CASES =
      Path.of(System.getProperty("fenceline.cases.dir", "src/test/resources/cases"));
  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static Engine engine;
  private static int probes;

  @BeforeAll
  static void start() {
    RootRequirement.check();
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    engine = startEngine();
  }

  private static Engine startEngine() {
    Topics.Layout d = Topics.Layout.defaults();
    return Engine.start(
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
    System.out.println("pipeline: " + probes + " probes checked");
  }

  private static List<CaseFile> multiStepCases() throws IOException {
    List<CaseFile> out = new ArrayList<>();
    try (var s = Files.list(CASES.resolve("upstream"))) {
      for (Path p : s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        CaseFile c = CaseFile.read(p);
        if (c.steps().size() > 1) {
          out.add(c);
        }
      }
    }
    return out;
  }

  @Test
  void stepsAreFollowedOnRunningNodesThroughFaults() throws Exception {
    List<CaseFile> cases = multiStepCases();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(5);
    CaseCluster model = CaseCluster.of(cases.get(0));
    Path logs = Files.createDirectories(dir.resolve("logs"));
    try (NetnsLab lab =
            NetnsLab.start(
                model.labSpec("pl" + Long.toString(ProcessHandle.current().pid() % 1296, 36)));
        ClusterPublisher publisher = new ClusterPublisher(CLUSTER, kafka.bootstrapServers());
        ConvergenceCheck convergence = new ConvergenceCheck(kafka.bootstrapServers(), ENGINE_APP)) {
      String ns1 = lab.nodeNamespace("node-1");
      String ns2 = lab.nodeNamespace("node-2");
      // node-1 also runs a kube-proxy-like chain and Docker's FORWARD DROP policy (with a CNI's
      // accept rules for pod traffic); fenceline must leave all of it byte-for-byte alone.
      sh(
          ns1,
          "iptables -N KUBE-SERVICES && iptables -A KUBE-SERVICES -d 10.96.0.1/32 -p tcp --dport 443 -j RETURN"
              + " && iptables -I FORWARD -j KUBE-SERVICES && iptables -P FORWARD DROP"
              + " && iptables -A FORWARD -s 10.244.0.0/16 -j ACCEPT && iptables -A FORWARD -d 10.244.0.0/16 -j ACCEPT"
              + " && ip6tables -P FORWARD ACCEPT");
      List<String> foreignBefore = foreignRules(lab, "node-1");

      Map<String, ApplierProcess> appliers = new HashMap<>();
      appliers.put(
          "node-1",
          ApplierProcess.start("node-1", CLUSTER, kafka.bootstrapServers(), ns1, logs, Map.of()));
      appliers.put(
          "node-2",
          ApplierProcess.start("node-2", CLUSTER, kafka.bootstrapServers(), ns2, logs, Map.of()));
      try {
        int caseNo = 0;
        for (CaseFile c : cases) {
          CaseCluster cluster = CaseCluster.of(c);
          int stepNo = 0;
          for (CaseFile.Step step : c.steps()) {
            cluster.apply(step);
            publisher.publish(cluster.manifests());
            if (caseNo == 1 && stepNo == 0) {
              // An applier dies mid-stream (SIGKILL) while the step's facts flow; a new one starts.
              appliers.get("node-1").kill();
              Thread.sleep(300);
              appliers.put(
                  "node-1",
                  ApplierProcess.start(
                      "node-1", CLUSTER, kafka.bootstrapServers(), ns1, logs, Map.of()));
            }
            awaitConverged(convergence, c.name() + " step " + stepNo);
            check(lab, cluster, c.name() + " step " + stepNo);
            stepNo++;
          }
          if (caseNo == 2) {
            // The broker restarts (same data dir, same address); engine and appliers carry on.
            engine.close();
            kafka.close();
            kafka = EmbeddedKafka.start(dir.resolve("kafka"));
            engine = startEngine();
          }
          if (caseNo == 3) {
            // node-2's applier restarts with an iptables-restore that fails once.
            appliers.get("node-2").close();
            appliers.put(
                "node-2",
                ApplierProcess.start(
                    "node-2",
                    CLUSTER,
                    kafka.bootstrapServers(),
                    ns2,
                    logs,
                    Map.of(
                        "PATH", failingOnceRestoreDir().toString() + ":" + System.getenv("PATH"))));
          }
          caseNo++;
        }
        // A pod is replaced by another with the same IP on the same node: the isolation that
        // applied to the old pod must not stick to the address.
        CaseCluster reuse = CaseCluster.of(cases.get(0));
        reuse.apply(
            new CaseFile.Step(
                "deny-a",
                null,
                null,
                """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny-a, namespace: x}
            spec:
              podSelector: {matchLabels: {pod: a}}
            """,
                null,
                null,
                null));
        publisher.publish(reuse.manifests());
        awaitConverged(convergence, "deny-a");
        check(lab, reuse, "deny-a");
        Probe toA = new Probe("y/b", "x/a", "TCP", 80, 4);
        assertThat(lab.probe(toA).connected()).as("x/a is isolated").isFalse();
        reuse.replacePod("x/a", "a-successor", Map.of("pod", "successor"));
        publisher.publish(reuse.manifests());
        awaitConverged(convergence, "pod replaced");
        assertThat(lab.probe(toA).connected())
            .as("the successor at x/a's IP is not isolated")
            .isTrue();

        assertThat(convergence.receipts())
            .as("the injected iptables-restore failure was reported, then recovered")
            .anySatisfy(
                r -> {
                  assertThat(r.node()).isEqualTo("node-2");
                  assertThat(r.result()).isEqualTo("failed");
                  assertThat(r.error()).contains("injected failure");
                });

        // Drift: someone deletes fenceline's rules; the applier puts them back.
        String owned = ownedRules(lab, "node-1");
        sh(ns1, "iptables -F FNL-FORWARD");
        await().atMost(Duration.ofSeconds(30)).until(() -> ownedRules(lab, "node-1").equals(owned));

        assertThat(foreignRules(lab, "node-1"))
            .as("rules fenceline does not own")
            .isEqualTo(foreignBefore);
      } finally {
        for (ApplierProcess a : appliers.values()) {
          a.close();
        }
      }
      // Uninstall removes everything fenceline owns and nothing else.
      StringWriter err = new StringWriter();
      int rc =
          Main.commandLine()
              .setErr(new PrintWriter(err))
              .execute("applier", "uninstall", "--netns", ns1);
      assertThat(rc).as(err.toString()).isZero();
      assertThat(lab.iptablesSave("node-1")).doesNotContain("FNL-");
      assertThat(lab.ipsetSave("node-1")).doesNotContain("FNL-");
      assertThat(foreignRules(lab, "node-1")).isEqualTo(foreignBefore);
    }
  }

  private static void awaitConverged(ConvergenceCheck convergence, String where) {
    await(where)
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> convergence.converged(CLUSTER, CaseCluster.NODES));
  }

  private static void check(NetnsLab lab, CaseCluster cluster, String where) throws Exception {
    List<ClusterObject> objects;
    DecodedObjects d = Manifests.decode(ManifestParser.parse("state.yaml", cluster.manifests()));
    objects = d.objects().stream().map(DecodedObjects.Located::object).toList();
    ReferenceModel reference = new ReferenceModel(objects);
    Set<String> live = cluster.liveHosts();
    List<Probe> batch =
        ProbeMatrix.allPairs(lab, CaseRunner.PROTOCOLS, CaseRunner.PORTS).stream()
            .filter(p -> live.contains(p.fromHost()) && live.contains(p.toHost()))
            .toList();
    Map<Probe, ProbeResult> results = lab.probeAll(batch);
    List<String> wrong = new ArrayList<>();
    for (Probe p : batch) {
      boolean expected = CaseRunner.expected(cluster, reference, p);
      if (results.get(p).connected() != expected) {
        wrong.add(p + " expected " + (expected ? "allowed" : "denied") + " got " + results.get(p));
      }
    }
    probes += batch.size();
    assertThat(wrong)
        .as(
            "%s: probes that disagree with the reference model\n%s",
            where, wrong.isEmpty() ? "" : lab.iptablesSave("node-1") + lab.iptablesSave("node-2"))
        .isEmpty();
  }

  private static String ownedRules(NetnsLab lab, String node) {
    return String.join(
        "\n", lab.iptablesSave(node).lines().filter(l -> l.contains("FNL-")).toList());
  }

  /** Every line of iptables-save that fenceline does not own (counters and comments dropped). */
  private static List<String> foreignRules(NetnsLab lab, String node) {
    return lab.iptablesSave(node)
        .lines()
        .filter(l -> !l.startsWith("#") && !l.contains("FNL-"))
        .map(l -> l.replaceAll("\\[\\d+:\\d+\\]", ""))
        .toList();
  }

  private static Path failingOnceRestoreDir() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("wrapper-bin"));
    Path marker = dir.resolve("wrapper-failed-once");
    String real =
        Files.exists(Path.of("/usr/sbin/iptables-nft-restore"))
            ? "/usr/sbin/iptables-nft-restore"
            : "/sbin/iptables-nft-restore";
    Path script = bin.resolve("iptables-nft-restore");
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "if [ ! -e "
            + marker
            + " ]; then touch "
            + marker
            + "; echo 'iptables-restore: line 2 failed (injected failure)' >&2; exit 1; fi\n"
            + "exec "
            + real
            + " \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  private static void sh(String netns, String command) throws Exception {
    Process p =
        new ProcessBuilder("ip", "netns", "exec", netns, "sh", "-c", command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("%s: %s", command, out).isZero();
  }

  @SuppressWarnings("unused")
  private static Receipt latest(List<Receipt> rs, String node) {
    return rs.stream().filter(r -> r.node().equals(node)).reduce((a, b) -> b).orElse(null);
  }
}
