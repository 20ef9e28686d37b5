package io.fenceline.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fenceline.applier.status.ConvergenceCheck;
import io.fenceline.cli.Main;
import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.reference.Flow;
import io.fenceline.core.reference.ReferenceModel;
import io.fenceline.it.conformance.ChaosReport.Fault;
import io.fenceline.it.netns.RootRequirement;
import io.fenceline.kafka.topics.Topics;
import io.fenceline.sandbox.NetnsLab;
import io.fenceline.sandbox.Probe;
import io.fenceline.sandbox.ProbeMatrix;
import io.fenceline.sandbox.ProbeResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos run: a seeded churn of cluster changes (pods added, removed, relabelled and replaced;
 * namespaces relabelled, deleted and re-created; policies created, edited and deleted) flows
 * through the real pipeline, every part its own process — the broker ({@code fenceline kafka}), the
 * engine, file ingest ({@code --watch}) and one applier per node in the node's network namespace —
 * while faults are injected at seeded random moments: the engine killed with SIGKILL (while a
 * transaction of it is open on {@code fenceline.node-facts} when it can be caught), an applier
 * killed, the broker killed, ingest killed while objects are deleted. After each fault the churn
 * stops; the run waits until the pipeline reports convergence and every node's kernel holds exactly
 * what {@code fenceline compile} makes of the manifests (loaded into a scratch namespace), then
 * probes every pair of live pods against the reference model. Divergences are collected and must be
 * none.
 *
 * <p>Size: {@code -Dchaos.runs=} (faults, default 4: one of each kind), {@code -Dchaos.changes=}
 * (changes around each fault, default 3), {@code -Dchaos.seed=}, {@code -Dchaos.convergeSeconds=}
 * (how long a recovery may take before it counts as a divergence, default 180), {@code
 * -Dchaos.logDir=} (where each process's log goes, default {@code target/chaos-logs}).
 */
class ChaosIT {
  private static final List<String> NODES = CaseCluster.NODES;
  @TempDir Path dir;

  private final long seed = Long.getLong("chaos.seed", 20261126L);
  private final int runs = Integer.getInteger("chaos.runs", 4);
  private final int changesPerRun = Integer.getInteger("chaos.changes", 3);
  private final Duration convergeTimeout =
      Duration.ofSeconds(Integer.getInteger("chaos.convergeSeconds", 180));
  private final Random random = new Random(seed);
  private final ChaosReport report = new ChaosReport(seed);
  private ChaosCluster cluster;
  private NetnsLab lab;
  private ChaosPipeline pipeline;
  private ConvergenceCheck convergence;
  private Path manifests;
  private String scratch;
  private int manifestVersion;

  @Test
  void everyNodeEndsInTheCompiledStateThroughKilledProcesses() throws Exception {
    RootRequirement.check();
    cluster = new ChaosCluster(random);
    String prefix = "ch" + Long.toString(ProcessHandle.current().pid() % 1296, 36);
    scratch = "fl-" + prefix + "-scratch";
    manifests = Files.createDirectories(dir.resolve("manifests"));
    for (int i = 0; i < 3; i++) {
      cluster.change();
    }
    writeManifests();
    try (NetnsLab lab = NetnsLab.start(cluster.state.labSpec(prefix))) {
      this.lab = lab;
      Map<String, String> nodeNamespaces = new LinkedHashMap<>();
      NODES.forEach(n -> nodeNamespaces.put(n, lab.nodeNamespace(n)));
      // The processes' logs outlive the test's temporary folder (target/chaos-logs/ when run by
      // Maven).
      Path logs =
          Path.of(System.getProperty("chaos.logDir", "target/chaos-logs"))
              .resolve("seed-" + seed + "-" + System.currentTimeMillis())
              .toAbsolutePath();
      try (ChaosPipeline pipeline = new ChaosPipeline(dir, logs, manifests, nodeNamespaces)) {
        this.pipeline = pipeline;
        long t0 = System.nanoTime();
        pipeline.startBroker();
        pipeline.startEngine();
        pipeline.startIngest();
        awaitTopics(pipeline.bootstrap());
        for (String node : NODES) {
          pipeline.startApplier(node);
        }
        try (ConvergenceCheck convergence =
                new ConvergenceCheck(pipeline.bootstrap(), ChaosPipeline.ENGINE_APP);
            ChaosOpenTransactions transactions =
                new ChaosOpenTransactions(
                    pipeline.bootstrap(),
                    ChaosPipeline.NODE_FACT_PARTITIONS,
                    ChaosPipeline.EVENT_PARTITIONS)) {
          this.convergence = convergence;
          report.coldStart = awaitCompiledState("cold start", t0);
          checkProbes("cold start");
          List<Fault> order = new ArrayList<>();
          for (int run = 1; run <= runs; run++) {
            if (order.isEmpty()) {
              order.addAll(List.of(Fault.values()));
              Collections.shuffle(order, random);
            }
            Fault fault = order.remove(0);
            churn(1 + random.nextInt(changesPerRun));
            inject(run, fault, transactions);
            report.runs = run;
            checkProbes("run " + run);
            assertThat(pipeline.deadProcesses()).as("processes that died on their own").isEmpty();
          }
        } finally {
          System.out.print(report.summary());
          System.out.println("chaos: logs of every process in " + pipeline.logs());
        }
      }
    }
    assertThat(report.divergences).as("divergences").isEmpty();
    assertThat(report.rulesCompared)
        .as("rules compared (the comparison is not vacuous)")
        .isPositive();
    assertThat(report.membersCompared).as("set members compared").isPositive();
    if (runs >= Fault.values().length) {
      assertThat(report.faultCounts()).as("faults injected").containsOnlyKeys(Fault.values());
    }
  }

  /**
   * Kills one part of the pipeline, changes the cluster around it, restarts it and waits for
   * recovery.
   */
  private void inject(int run, Fault fault, ChaosOpenTransactions transactions) throws Exception {
    String detail;
    Duration heldBack = null;
    long killed;
    long restarted;
    switch (fault) {
      case ENGINE -> {
        List<?> open = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // Kill it while one of its transactions is open on node-facts: the case that holds appliers
        // back.
        while (open.isEmpty() && System.nanoTime() < deadline) {
          change();
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
          while ((open = transactions.heldBack()).isEmpty() && System.nanoTime() < until) {
            Thread.sleep(5);
          }
        }
        pipeline.killEngine();
        killed = System.nanoTime();
        List<?> still = transactions.heldBack();
        // Either the engine stays down (its open transaction ends only at the broker's timeout) or
        // it
        // comes back at once (its successor, with the same state dir and so the same transactional
        // id,
        // aborts it when it initialises).
        boolean stayDown = random.nextBoolean();
        if (!still.isEmpty()) {
          detail =
              "killed with a transaction open on "
                  + still
                  + (stayDown ? ", kept down" : ", restarted at once");
        } else {
          detail = "no transaction open at the kill";
          churn(random.nextInt(changesPerRun));
        }
        if (!still.isEmpty() && stayDown) {
          heldBack = awaitNoneHeldBack(transactions, killed);
        }
        pipeline.startEngine();
        restarted = System.nanoTime();
        if (!still.isEmpty() && !stayDown) {
          heldBack = awaitNoneHeldBack(transactions, killed);
        }
      }
      case APPLIER -> {
        String node = NODES.get(random.nextInt(NODES.size()));
        pipeline.killApplier(node);
        killed = System.nanoTime();
        detail = node;
        churn(1 + random.nextInt(changesPerRun));
        pipeline.startApplier(node);
        restarted = System.nanoTime();
      }
      case BROKER -> {
        pipeline.killBroker();
        killed = System.nanoTime();
        int n = random.nextInt(changesPerRun);
        detail = n + " changes while down";
        churn(n);
        Thread.sleep(random.nextInt(2000));
        pipeline.startBroker();
        restarted = System.nanoTime();
      }
      case INGEST -> {
        pipeline.killIngest();
        killed = System.nanoTime();
        List<String> deleted = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
          deleted.add(cluster.deleteSomething());
        }
        report.changes += n;
        writeManifests();
        detail = String.join("; ", deleted);
        pipeline.startIngest();
        restarted = System.nanoTime();
      }
      default -> throw new IllegalStateException(fault.toString());
    }
    Duration sinceRestart = awaitCompiledState("run " + run + " " + fault.description, restarted);
    Duration sinceKill = sinceRestart == null ? null : sinceRestart.plusNanos(restarted - killed);
    report.recoveries.add(
        new ChaosReport.Recovery(run, fault, detail, heldBack, sinceKill, sinceRestart));
    System.out.printf(
        "chaos: run %d %s (%s): converged %s after restart%n",
        run, fault.description, detail, ChaosReport.seconds(sinceRestart));
  }

  /**
   * Waits until no node-facts partition has an open transaction; returns the time since {@code
   * since}.
   */
  private static Duration awaitNoneHeldBack(ChaosOpenTransactions transactions, long since) {
    await("the killed engine's transaction to be aborted")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> transactions.heldBack().isEmpty());
    return Duration.ofNanos(System.nanoTime() - since);
  }

  private void churn(int changes) throws Exception {
    for (int i = 0; i < changes; i++) {
      change();
      Thread.sleep(100 + random.nextInt(1200)); // pacing of the churn, not a wait for a result
    }
  }

  private void change() throws Exception {
    String what = cluster.change();
    report.changes++;
    writeManifests();
    System.out.println("chaos: change " + report.changes + ": " + what);
  }

  /** Replaces the watched manifest file atomically (ingest never reads half a file). */
  private void writeManifests() throws Exception {
    Path tmp = dir.resolve("state.yaml.tmp");
    Files.writeString(tmp, cluster.state.manifests());
    Files.move(
        tmp,
        manifests.resolve("state.yaml"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    manifestVersion++;
  }

  /**
   * Waits until the pipeline reports convergence and every node's kernel holds exactly what {@code
   * fenceline compile} makes of the current manifests; returns the time since {@code from}
   * (System.nanoTime), or null after the timeout, recording the divergence.
   */
  private Duration awaitCompiledState(String where, long from) throws Exception {
    Path out = dir.resolve("compiled-" + manifestVersion);
    StringWriter err = new StringWriter();
    int rc =
        Main.commandLine()
            .setErr(new PrintWriter(err))
            .setOut(new PrintWriter(new StringWriter()))
            .execute(
                "compile",
                "--manifests",
                manifests.resolve("state.yaml").toString(),
                "--out",
                out.toString());
    assertThat(rc).as("fenceline compile: %s", err).isZero();
    Map<String, String> expected = new LinkedHashMap<>();
    for (String node : NODES) {
      expected.put(node, ChaosKernelState.ofPayload(scratch, out.resolve(node)));
    }
    report.checks++;
    long rules =
        expected.values().stream()
            .flatMap(String::lines)
            .filter(l -> l.contains(" -A FNL-"))
            .count();
    long members =
        expected.values().stream()
            .flatMap(String::lines)
            .filter(l -> l.startsWith("ipset add "))
            .count();
    report.rulesCompared += rules;
    report.membersCompared += members;
    long deadline = System.nanoTime() + convergeTimeout.toNanos();
    String whyNot = "not checked yet";
    while (System.nanoTime() < deadline) {
      whyNot = differences(expected);
      if (whyNot == null) {
        return Duration.ofNanos(System.nanoTime() - from);
      }
      List<String> dead = pipeline.deadProcesses();
      if (!dead.isEmpty()) {
        throw new AssertionError(
            where + ": processes died on their own:\n" + String.join("\n", dead));
      }
      Thread.sleep(250);
    }
    report.divergences.add(
        where
            + " (seed "
            + seed
            + ", manifests "
            + out
            + "): after "
            + convergeTimeout.toSeconds()
            + " s: "
            + whyNot);
    return null;
  }

  /** Null when converged and every kernel equals the compiled state, else what differs. */
  private String differences(Map<String, String> expected) {
    try {
      String notYet = convergence.whyNot(ChaosPipeline.CLUSTER, NODES);
      if (notYet != null) {
        return notYet;
      }
    } catch (Exception e) {
      return "convergence unknown: " + e;
    }
    for (String node : NODES) {
      String actual = ChaosKernelState.of(lab.nodeNamespace(node));
      if (!actual.equals(expected.get(node))) {
        return "the kernel of "
            + node
            + " differs from the compiled payload\n--- compiled:\n"
            + expected.get(node)
            + "--- kernel:\n"
            + actual;
      }
    }
    return null;
  }

  /** Every ordered pair of live pods on TCP and UDP 80 and 81 against the reference model. */
  private void checkProbes(String where) throws Exception {
    DecodedObjects d =
        Manifests.decode(ManifestParser.parse("state.yaml", cluster.state.manifests()));
    ReferenceModel reference =
        new ReferenceModel(d.objects().stream().map(DecodedObjects.Located::object).toList());
    Set<String> live = cluster.state.liveHosts();
    List<Probe> batch =
        ProbeMatrix.allPairs(lab, CaseRunner.PROTOCOLS, CaseRunner.PORTS).stream()
            .filter(p -> live.contains(p.fromHost()) && live.contains(p.toHost()))
            .toList();
    Map<Probe, ProbeResult> results = lab.probeAll(batch);
    report.probes += batch.size();
    for (Probe p : batch) {
      boolean expected =
          reference.allows(
              new Flow(
                  endpoint(p.fromHost()),
                  endpoint(p.toHost()),
                  Protocol.valueOf(p.protocol()),
                  p.port()));
      if (results.get(p).connected() != expected) {
        report.divergences.add(
            where
                + ": probe "
                + p
                + " expected "
                + (expected ? "allowed" : "denied")
                + ", got "
                + results.get(p));
      }
    }
  }

  /** A pod by its name now (a successor at the same address has a new name). */
  private Flow.Endpoint endpoint(String host) {
    CaseCluster.PodState pod = cluster.state.pod(host);
    return Flow.Endpoint.pod(
        ObjectKey.parse(pod.namespace() + "/" + pod.name()), IpAddress.parse(pod.ipv4));
  }

  private static void awaitTopics(String bootstrap) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      await("topics")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(
              () ->
                  admin
                      .listTopics()
                      .names()
                      .get()
                      .containsAll(
                          List.of(
                              Topics.EVENTS,
                              Topics.NODE_FACTS,
                              Topics.SET_MEMBERS,
                              Topics.NODE_STATUS)));
    }
  }
}
