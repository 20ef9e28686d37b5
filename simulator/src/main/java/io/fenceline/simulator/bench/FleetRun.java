package io.fenceline.simulator.bench;

import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.engine.Engine;
import io.fenceline.engine.EngineConfig;
import io.fenceline.fleet.Change;
import io.fenceline.fleet.ChurnGenerator;
import io.fenceline.fleet.Fleet;
import io.fenceline.fleet.FleetGenerator;
import io.fenceline.fleet.FleetSpec;
import io.fenceline.fleet.NodeRef;
import io.fenceline.kafka.topics.NodePartitions;
import io.fenceline.kafka.topics.Topics;
import io.fenceline.simulator.applier.ConvergenceLog;
import io.fenceline.simulator.applier.NodeReport;
import io.fenceline.simulator.applier.PartitionApplier;
import io.fenceline.simulator.publish.FleetPublisher;
import io.fenceline.simulator.publish.PacedChurn;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fleet size through the real pipeline in this JVM: the embedded KRaft broker, the engine
 * (Kafka Streams, exactly-once v2, RocksDB), the fleet published through ingest's publishers, and
 * one {@link PartitionApplier} per node-facts partition (dry run). Measures the initial load,
 * steady churn at a rate, a rollout burst, the cost of single changes, state size, an engine
 * restart from its changelogs, and applies the largest node's payload on a real kernel.
 */
final class FleetRun {
  private static final Logger LOG = LoggerFactory.getLogger(FleetRun.class);
  private static final Duration QUIET_TIMEOUT = Duration.ofMinutes(20);

  /** How to run. */
  record Options(
      FleetSpec spec,
      long seed,
      int nodeFactPartitions,
      double rate,
      Duration steady,
      int costSamples,
      boolean kernel,
      Path workDir) {}

  private final Options o;
  private final Clock clock = Clock.systemUTC();

  FleetRun(Options options) {
    this.o = options;
  }

  FleetResult run() throws Exception {
    Path dir =
        Files.createDirectories(
            o.workDir().resolve("run-" + o.spec().toString().replace('/', '-')));
    deleteTree(dir);
    Files.createDirectories(dir);
    String startedAt = clock.instant().toString();
    String loadBefore = loadAverage();
    Fleet fleet = FleetGenerator.generate(o.spec(), o.seed());
    ChurnGenerator churn = new ChurnGenerator(fleet, o.seed());
    Topics.Layout layout =
        new Topics.Layout(
            Math.max(1, Math.min(o.spec().clusters(), 12)),
            o.nodeFactPartitions(),
            7L * 24 * 3600 * 1000,
            24L * 3600 * 1000);
    Map<Integer, List<NodeRef>> byPartition = new LinkedHashMap<>();
    for (int p = 0; p < o.nodeFactPartitions(); p++) {
      byPartition.put(p, new ArrayList<>());
    }
    for (NodeRef n : fleet.nodes()) {
      byPartition
          .get(NodePartitions.partitionOf(n.cluster(), n.node(), o.nodeFactPartitions()))
          .add(n);
    }
    ConvergenceLog log = new ConvergenceLog();
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("broker"))) {
      String bootstrap = broker.bootstrapServers();
      Path stateDir = dir.resolve("engine-state");
      // Static membership: a restarted engine takes its partitions back at once instead of waiting
      // for the old member's session to time out (Kafka Streams does not leave the group on close).
      EngineConfig engineConfig =
          new EngineConfig(
              bootstrap,
              EngineConfig.DEFAULT_APPLICATION_ID,
              stateDir,
              layout,
              Map.of("group.instance.id", "fenceline-sim-engine"));
      Engine engine = Engine.start(engineConfig);
      List<PartitionApplier> appliers = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (var e : byPartition.entrySet()) {
        PartitionApplier a =
            new PartitionApplier(bootstrap, Map.of(), e.getKey(), e.getValue(), log, clock, true);
        Thread t = new Thread(a, "fenceline-sim-applier-" + e.getKey());
        t.setDaemon(true);
        t.start();
        appliers.add(a);
        threads.add(t);
      }
      try (FleetPublisher publisher = new FleetPublisher(fleet, bootstrap, Map.of(), clock);
          Quiescence quiet = new Quiescence(bootstrap, EngineConfig.DEFAULT_APPLICATION_ID)) {
        // 1. Initial load.
        List<Change> snapshot = fleet.snapshot();
        long t0 = System.nanoTime();
        publisher.publishInitial(snapshot);
        quiet.await(publisher, appliers, QUIET_TIMEOUT);
        double initialSeconds = (System.nanoTime() - t0) / 1e9;
        long initialEvents = publisher.published();
        long initialRecords = sum(appliers, PartitionApplier::recordsRead);
        long initialBytes = sum(appliers, PartitionApplier::bytesRead);
        LOG.info(
            "{}: initial load of {} events converged in {} s ({} node-facts records)",
            o.spec(),
            initialEvents,
            String.format("%.1f", initialSeconds),
            initialRecords);

        // 2. Steady churn at the offered rate.
        Instant steadyFrom = clock.instant();
        long s0 = System.nanoTime();
        long appliersCpu0 = cpuNanos(threads);
        long processCpu0 = processCpuNanos();
        Thread progress = progress(quiet, publisher, appliers);
        PacedChurn.Result paced =
            PacedChurn.run(churn, publisher, o.rate(), o.steady(), () -> false);
        progress.interrupt();
        Instant steadyTo = clock.instant();
        quiet.await(publisher, appliers, QUIET_TIMEOUT);
        double steadyDrain = (System.nanoTime() - s0) / 1e9;
        double appliersCpu = (cpuNanos(threads) - appliersCpu0) / 1e9;
        double processCpu = (processCpuNanos() - processCpu0) / 1e9;
        // The simulated appliers share this JVM with the broker and the engine: say what they took,
        // so a latency is never read as the pipeline's when the appliers' CPU starved it.
        LOG.info(
            "{}: steady churn CPU: simulated appliers {} s of the process's {} s ({}%), over {} s wall",
            o.spec(),
            String.format("%.1f", appliersCpu),
            String.format("%.1f", processCpu),
            String.format("%.0f", 100 * appliersCpu / Math.max(1e-9, processCpu)),
            String.format("%.1f", steadyDrain));
        Percentiles steady = latencies(log, steadyFrom, steadyTo);
        LOG.info(
            "{}: steady churn {} events in {} s, convergence p50 {} p99 {} max {} ms",
            o.spec(),
            paced.events(),
            String.format("%.1f", paced.elapsed().toMillis() / 1000.0),
            steady.p50(),
            steady.p99(),
            steady.max());

        // 3. A rollout burst: the largest app of a cluster replaced at once.
        Instant burstFrom = clock.instant();
        long b0 = System.nanoTime();
        List<Change> burst = churn.largestRollout();
        burst.forEach(publisher::publish);
        Instant burstTo = clock.instant();
        quiet.await(publisher, appliers, QUIET_TIMEOUT);
        double burstDrain = (System.nanoTime() - b0) / 1e9;
        Percentiles burstLatency = latencies(log, burstFrom, burstTo);

        // 4. Cost of single changes.
        Map<String, FleetResult.Cost> costs = new LinkedHashMap<>();
        costs.put(
            "pod relabel",
            cost(churn::podRelabel, publisher, appliers, quiet, log, o.costSamples()));
        costs.put(
            "namespace relabel",
            cost(
                churn::namespaceRelabel,
                publisher,
                appliers,
                quiet,
                log,
                Math.max(1, o.costSamples() / 2)));
        costs.put(
            "policy edit",
            cost(churn::policyEdit, publisher, appliers, quiet, log, o.costSamples()));

        // 5. Nodes.
        List<NodeReport> nodes = new ArrayList<>();
        appliers.forEach(a -> nodes.addAll(a.report()));
        double[] amplification =
            nodes.stream()
                .mapToDouble(NodeReport::readAmplification)
                .filter(d -> !Double.isNaN(d))
                .toArray();
        NodeReport largest =
            nodes.stream()
                .filter(n -> n.applied() != null)
                .max(Comparator.comparingLong(n -> (long) n.rules() + n.setMembers()))
                .orElseThrow();
        Percentiles rules = Percentiles.of(nodes.stream().map(NodeReport::rules).toList());
        Percentiles members = Percentiles.of(nodes.stream().map(NodeReport::setMembers).toList());

        // 6. State: RocksDB on disk, heap after a full GC (the whole JVM: broker, engine,
        // appliers).
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();

        // 7. Engine restart into an empty state dir: restore from the changelogs, then serve a
        // change.
        engine.close();
        long rocks = size(stateDir); // after close: the stores are flushed to their files
        deleteTree(stateDir);
        long r0 = System.nanoTime();
        Instant restartAt = clock.instant();
        engine = Engine.start(engineConfig);
        Change probe =
            churn.podCreate(); // a relabel may change no node; a new pod always changes its own
        publisher.publish(probe);
        while (engine.state() != KafkaStreams.State.RUNNING
            && System.nanoTime() - r0 < QUIET_TIMEOUT.toNanos()) {
          Thread.sleep(20);
        }
        double running = (System.nanoTime() - r0) / 1e9;
        quiet.await(publisher, appliers, QUIET_TIMEOUT);
        Instant served =
            log.producedBetween(restartAt, clock.instant()).stream()
                .map(ConvergenceLog.Entry::lastApplied)
                .max(Comparator.naturalOrder())
                .orElse(null);
        double serving =
            served == null ? Double.NaN : Duration.between(restartAt, served).toMillis() / 1000.0;

        // 8. Every node where a from-scratch compile of the final state puts it?
        List<NodeReport> finalNodes = new ArrayList<>();
        appliers.forEach(a -> finalNodes.addAll(a.report()));
        CompileCheck.Outcome check = CompileCheck.check(fleet, finalNodes);
        LOG.info(
            "{}: {} of {} nodes equal a from-scratch compile of the final state{}",
            o.spec(),
            check.matching(),
            check.nodes(),
            check.firstMismatch() == null
                ? ""
                : " (first mismatch: " + check.firstMismatch() + ")");

        // 9. The largest node's payload on a real kernel.
        KernelApply.Result kernel = null;
        if (o.kernel()) {
          kernel = KernelApply.apply(largest.applied(), dir.resolve("largest-node"));
        }
        engine.close();
        appliers.forEach(PartitionApplier::close);
        for (Thread t : threads) {
          t.join(30_000);
        }
        FleetSpec s = o.spec();
        return new FleetResult(
            s.toString(),
            s.clusters(),
            s.nodes(),
            s.pods(),
            s.policies(),
            o.nodeFactPartitions(),
            o.seed(),
            startedAt,
            loadBefore + " → " + loadAverage(),
            initialEvents,
            initialSeconds,
            initialEvents / initialSeconds,
            initialRecords,
            initialBytes,
            o.rate(),
            paced.events(),
            paced.elapsed().toMillis() / 1000.0,
            paced.events() / steadyDrain,
            steady,
            burst.size(),
            burstLatency,
            burstDrain,
            costs,
            Percentiles.median(amplification),
            Stream.of(amplification)
                .flatMapToDouble(java.util.Arrays::stream)
                .max()
                .orElse(Double.NaN),
            Percentiles.median(
                nodes.stream()
                    .mapToDouble(NodeReport::factsReadAmplification)
                    .filter(d -> !Double.isNaN(d))
                    .toArray()),
            Percentiles.median(
                nodes.stream()
                    .mapToDouble(NodeReport::setsReadAmplification)
                    .filter(d -> !Double.isNaN(d))
                    .toArray()),
            rocks,
            heap,
            running,
            serving,
            rules,
            members,
            largest.cluster() + "/" + largest.node(),
            largest.rules(),
            largest.setMembers(),
            kernel == null ? Double.NaN : kernel.ipsetMillis(),
            kernel == null ? Double.NaN : kernel.iptablesMillis(),
            kernel == null ? Double.NaN : kernel.ip6tablesMillis(),
            kernel == null ? -1 : kernel.rulesInKernel(),
            check.matching(),
            check.nodes(),
            Machine.describe());
      } finally {
        engine.close();
        appliers.forEach(PartitionApplier::close);
      }
    } finally {
      deleteTree(dir);
    }
  }

  /** Logs every 2 s how far behind each stage is (engine: events; appliers: node-facts records). */
  private Thread progress(
      Quiescence quiet, FleetPublisher publisher, List<PartitionApplier> appliers) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  Thread.sleep(2000);
                  long[] lag = quiet.lag(appliers);
                  LOG.info(
                      "{}: published {}, ingest backlog {}, engine behind by {} events, appliers behind by {} records, "
                          + "node applies {}, load {}",
                      o.spec(),
                      publisher.published(),
                      publisher.backlog(),
                      lag[0],
                      lag[1],
                      sum(appliers, PartitionApplier::nodeApplies),
                      loadAverage());
                }
              } catch (InterruptedException e) {
                // done
              } catch (Exception e) {
                LOG.warn("progress: {}", e.toString());
              }
            },
            "fenceline-sim-progress");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static FleetResult.Cost cost(
      Supplier<Change> change,
      FleetPublisher publisher,
      List<PartitionApplier> appliers,
      Quiescence quiet,
      ConvergenceLog log,
      int samples)
      throws Exception {
    List<Long> records = new ArrayList<>();
    List<Long> bytes = new ArrayList<>();
    List<Integer> partitions = new ArrayList<>();
    List<Double> latency = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      long[] r0 = appliers.stream().mapToLong(PartitionApplier::recordsRead).toArray();
      long b0 = sum(appliers, PartitionApplier::bytesRead);
      Instant from = Instant.now();
      publisher.publish(change.get());
      Instant to = Instant.now().plusNanos(1);
      quiet.await(publisher, appliers, QUIET_TIMEOUT);
      long[] r1 = appliers.stream().mapToLong(PartitionApplier::recordsRead).toArray();
      int touched = 0;
      long rec = 0;
      for (int p = 0; p < r0.length; p++) {
        rec += r1[p] - r0[p];
        touched += r1[p] > r0[p] ? 1 : 0;
      }
      records.add(rec);
      bytes.add(sum(appliers, PartitionApplier::bytesRead) - b0);
      partitions.add(touched);
      log.producedBetween(from, to).forEach(e -> latency.add((double) e.latency().toMillis()));
    }
    Percentiles r = Percentiles.of(records);
    Percentiles b = Percentiles.of(bytes);
    return new FleetResult.Cost(
        samples,
        r.p50(),
        r.max(),
        b.p50(),
        b.max(),
        Percentiles.of(partitions).p50(),
        Percentiles.of(latency).p50());
  }

  private static Percentiles latencies(ConvergenceLog log, Instant from, Instant to) {
    List<Long> ms = new ArrayList<>();
    for (ConvergenceLog.Entry e : log.producedBetween(from, to)) {
      ms.add(e.latency().toMillis());
    }
    return Percentiles.of(ms);
  }

  /** CPU time the threads used so far (0 for a thread that ended). */
  private static long cpuNanos(List<Thread> threads) {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : threads) {
      sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
    }
    return sum;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long sum(
      List<PartitionApplier> appliers, java.util.function.ToLongFunction<PartitionApplier> f) {
    return appliers.stream().mapToLong(f).sum();
  }

  static String loadAverage() {
    try {
      String[] p = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return p[0] + " " + p[1] + " " + p[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static long size(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
