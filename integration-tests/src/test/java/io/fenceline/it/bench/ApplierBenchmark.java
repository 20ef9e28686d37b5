package io.fenceline.it.bench;

import io.fenceline.applier.kernel.CommandRunner;
import io.fenceline.applier.kernel.IptablesBackend;
import io.fenceline.applier.kernel.ProcessNetfilter;
import io.fenceline.applier.state.NodeFacts;
import io.fenceline.applier.sync.NodeSync;
import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.core.facts.Clause;
import io.fenceline.core.facts.Fact;
import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.FactKey;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.facts.SetEntry;
import io.fenceline.core.facts.SetKind;
import io.fenceline.core.facts.SetMemberFact;
import io.fenceline.core.facts.SetRef;
import io.fenceline.core.hash.StableHash;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.render.NodeRenderer;
import io.fenceline.core.render.PayloadDelta;
import io.fenceline.core.render.RenderedNode;
import io.fenceline.kafka.topics.NodePartitions;
import io.fenceline.kafka.topics.TopicAdmin;
import io.fenceline.kafka.topics.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The node applier benchmark (a main, not a test: tests never assert on time). Needs root and the
 * kernel tools (ip, ipset, iptables-nft, conntrack); every measurement runs in a fresh network
 * namespace named {@code flbench-*}, removed afterwards. One synthetic node: 110 isolated pods
 * (IPv4), 500 policy chains (250 per direction, each pod bound to 5..11), 250 sets with 50,000
 * members in total (pod-IP, ipBlock and named-port sets).
 *
 * <ul>
 *   <li>{@code full}: a full apply as {@code Applier.apply(full)} does it (inventory, FORWARD jump
 *       checks, {@link PayloadDelta#full}, ipset restore, iptables-restore, ip6tables-restore,
 *       cleanup) through {@link ProcessNetfilter}, into an empty namespace and again over itself.
 *   <li>{@code delta}: one-pod changes through the applier's own {@link NodeSync} on the populated
 *       namespace: a binding moving to another chain set, one peer IP added to a set and removed
 *       again; each whole step, split into the kernel restores, conntrack deletes and the sync's
 *       own Java work, beside the floors (an empty restore of each tool) measured on the same
 *       namespace in the same run.
 *   <li>{@code cold}: an embedded broker in this process holding the node's facts (one
 *       transaction); then {@code java -jar fenceline.jar applier --netns} as a subprocess, timed
 *       from process start to its first receipt in {@code fenceline.node-status} and to the rules
 *       in the namespace's {@code iptables-save}.
 * </ul>
 *
 * <p>Arguments: {@code [full] [delta] [cold]} (default: all), {@code --iterations N} (delta
 * transitions per scenario, default 100), {@code --cold-runs N} (default 3), {@code --jar PATH}
 * (default {@code cli/target/fenceline.jar}), {@code --dump DIR} (also write the full payload and
 * the two deltas as restore files), {@code --applier-jvm-args "..."} (extra JVM options for the
 * applier subprocess: diagnostic runs only, e.g. Kafka client logs or a flight recording).
 */
public final class ApplierBenchmark {
  static final String CLUSTER = "bench";
  static final String NODE = "node-1";
  static final int PODS = 110;
  static final int CHAINS_PER_DIRECTION = 250;
  static final int POD_IP_SETS = 200;
  static final int BLOCK_SETS = 30;
  static final int NAMED_PORT_SETS = 20;
  static final int NAMED_PORT_MEMBERS = 50;
  static final int TOTAL_MEMBERS = 50_000;
  static final int FACT_PARTITIONS = 4;
  static final int EVENT_PARTITIONS = 2;

  private static final List<String> NAMESPACES = new CopyOnWriteArrayList<>();
  private static final List<Process> PROCESSES = new CopyOnWriteArrayList<>();
  private static final java.util.concurrent.atomic.AtomicInteger NETNS_SEQ =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Extra JVM options for the applier subprocess (diagnostics only: the measured runs use none).
   */
  private static List<String> applierJvmArgs = List.of();

  private ApplierBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Set<String> phases = new LinkedHashSet<>();
    int iterations = 100;
    int coldRuns = 3;
    Path jar = Path.of("cli/target/fenceline.jar");
    Path dump = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        case "--cold-runs" -> coldRuns = Integer.parseInt(args[++i]);
        case "--jar" -> jar = Path.of(args[++i]);
        case "--dump" -> dump = Path.of(args[++i]);
        case "--applier-jvm-args" -> applierJvmArgs = List.of(args[++i].trim().split("\\s+"));
        case "full", "delta", "cold" -> phases.add(args[i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (phases.isEmpty()) {
      phases.addAll(List.of("full", "delta", "cold"));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(ApplierBenchmark::cleanUp, "flbench-cleanup"));
    try {
      Scenario s = Scenario.generate(new Random(42));
      System.out.println(s.describe());
      if (dump != null) {
        dump(s, dump);
      }
      if (phases.contains("full")) {
        full(s);
      }
      if (phases.contains("delta")) {
        delta(s, iterations);
      }
      if (phases.contains("cold")) {
        cold(s, jar, coldRuns);
      }
    } finally {
      cleanUp();
    }
  }

  // ---- 1. full apply
  // -----------------------------------------------------------------------------

  static void full(Scenario s) {
    System.out.println(
        "\n== 1. FULL apply (ProcessNetfilter + PayloadDelta.full), fresh netns, "
            + load()
            + " ==");
    NodeModel model = s.model();
    for (int i = 0; i < 3; i++) { // warm the JIT for the Java side
      PayloadDelta.full(NodeRenderer.structure(model), PayloadDelta.Inventory.EMPTY, true, true);
    }
    long t = System.nanoTime();
    RenderedNode next = NodeRenderer.structure(model);
    double renderMs = ms(t);
    t = System.nanoTime();
    PayloadDelta.Delta d = PayloadDelta.full(next, PayloadDelta.Inventory.EMPTY, true, true);
    double deltaMs = ms(t);
    System.out.printf(
        Locale.ROOT,
        "payload: %d sets in the kernel (%d v4, %d v6), %d members; ipset restore %s (%d lines)%n",
        next.sets().size(),
        next.sets().stream().filter(k -> k.family() == 4).count(),
        next.sets().stream().filter(k -> k.family() == 6).count(),
        next.sets().stream().mapToInt(k -> k.members().size()).sum(),
        kb(d.ipsetPrepare()),
        lines(d.ipsetPrepare()));
    System.out.printf(
        Locale.ROOT,
        "         iptables: %d chains, %d rules (jump incl.), %s;  ip6tables: %d chains, %d rules, %s%n",
        next.chains4().size(),
        next.ruleCount(4),
        kb(d.filter4()),
        next.chains6().size(),
        next.ruleCount(6),
        kb(d.filter6()));
    System.out.printf(
        Locale.ROOT,
        "java (warm): NodeRenderer.structure %.1f ms, PayloadDelta.full %.1f ms%n",
        renderMs,
        deltaMs);

    String ns = netns("full");
    try {
      for (int run = 0; run < 10; run++) {
        boolean fresh = run < 5;
        if (fresh) {
          deleteNetns(ns);
          ns = netns("full");
        }
        ProcessNetfilter nf = netfilter(ns);
        double[] r = applyFull(nf, next);
        verify(nf, next);
        System.out.printf(
            Locale.ROOT,
            "  %-16s inventory %6.1f  jump-checks %5.1f  ipset %7.1f  iptables4 %6.1f  iptables6 %6.1f  cleanup %4.1f  | restores %7.1f  total %7.1f ms%n",
            fresh ? "empty netns #" + (run + 1) : "over itself #" + (run - 4),
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[2] + r[3] + r[4] + r[5],
            Arrays.stream(r).sum());
      }
    } finally {
      deleteNetns(ns);
    }
  }

  /** What Applier.apply(full=true) does with the kernel; returns the ms of each step. */
  static double[] applyFull(ProcessNetfilter nf, RenderedNode next) {
    long t = System.nanoTime();
    PayloadDelta.Inventory inv = nf.inventory();
    double inventory = ms(t);
    t = System.nanoTime();
    boolean j4 = !nf.hasForwardJump(4);
    boolean j6 = !nf.hasForwardJump(6);
    double jumps = ms(t);
    PayloadDelta.Delta d = PayloadDelta.full(next, inv, j4, j6);
    t = System.nanoTime();
    nf.ipsetRestore(d.ipsetPrepare());
    double ipset = ms(t);
    t = System.nanoTime();
    nf.filterRestore(4, d.filter4());
    double f4 = ms(t);
    t = System.nanoTime();
    nf.filterRestore(6, d.filter6());
    double f6 = ms(t);
    t = System.nanoTime();
    nf.ipsetRestore(d.ipsetCleanup());
    double cleanup = ms(t);
    return new double[] {inventory, jumps, ipset, f4, f6, cleanup};
  }

  static void verify(ProcessNetfilter nf, RenderedNode want) {
    for (int family : new int[] {4, 6}) {
      int have = nf.ruleCounts(family).values().stream().mapToInt(Integer::intValue).sum();
      if (have != want.ruleCount(family) - 1 || !nf.hasForwardJump(family)) {
        throw new IllegalStateException(
            "IPv"
                + family
                + ": kernel has "
                + have
                + " owned rules, expected "
                + (want.ruleCount(family) - 1)
                + " plus the jump");
      }
    }
    Map<String, Integer> sizes = nf.setSizes();
    for (var k : want.sets()) {
      if (!Integer.valueOf(k.members().size()).equals(sizes.get(k.name()))) {
        throw new IllegalStateException(
            "set "
                + k.name()
                + " has "
                + sizes.get(k.name())
                + " members, expected "
                + k.members().size());
      }
    }
  }

  /**
   * Writes the full payload and the two one-pod deltas as restore files (to replay them by hand).
   */
  static void dump(Scenario s, Path dir) throws IOException {
    Files.createDirectories(dir);
    NodeFacts facts = s.nodeFacts();
    RenderedNode base = NodeRenderer.structure(facts.model());
    PayloadDelta.Delta full = PayloadDelta.full(base, PayloadDelta.Inventory.EMPTY, true, true);
    Files.writeString(dir.resolve("ipset.restore"), full.ipsetPrepare());
    Files.writeString(dir.resolve("iptables.restore"), full.filter4());
    Files.writeString(dir.resolve("ip6tables.restore"), full.filter6());
    PodBindingFact from = s.movablePod();
    PodBindingFact other =
        s.bindings.stream()
            .filter(
                b -> !b.pod().equals(from.pod()) && !b.ingressChains().equals(from.ingressChains()))
            .findFirst()
            .orElseThrow();
    facts.apply(
        change(
            new PodBindingFact(
                from.node(),
                from.pod(),
                from.ips(),
                true,
                true,
                other.ingressChains(),
                from.egressChains())));
    RenderedNode moved = NodeRenderer.structure(facts.model());
    Files.writeString(
        dir.resolve("delta-binding.iptables.restore"),
        PayloadDelta.between(base, moved, false, false).filter4());
    facts.apply(change(from));
    facts.apply(
        change(
            new SetMemberFact(
                s.midSizedPodSet().id(), SetEntry.ip(IpAddress.parse("10.200.0.1")))));
    Files.writeString(
        dir.resolve("delta-member.ipset.restore"),
        PayloadDelta.between(base, NodeRenderer.structure(facts.model()), false, false)
            .ipsetPrepare());
    System.out.println("payloads written to " + dir);
  }

  // ---- 2. one-pod deltas
  // -------------------------------------------------------------------------

  /**
   * One-pod changes through the applier's own {@link NodeSync} (what {@code Applier} runs on a
   * node): the fact is offered, one step applies it; the step is timed whole and split into the
   * kernel tools it waited for ({@link TimedNetfilter}) and its own Java work.
   */
  static void delta(Scenario s, int iterations) {
    System.out.println(
        "\n== 2. ONE-POD deltas (NodeSync.step + ProcessNetfilter), "
            + iterations
            + " transitions each, "
            + load()
            + " ==");
    String ns = netns("delta");
    try {
      TimedNetfilter nf = new TimedNetfilter(netfilter(ns));
      Duration never = Duration.ofDays(1);
      NodeSync sync = NodeSync.of(new NodeSync.Settings(CLUSTER, NODE, never, never, never), nf);
      for (Fact f : s.factsInOrder()) {
        sync.offer(change(f), null);
      }
      NodeSync.Step first = sync.step(Instant.now());
      if (!(first instanceof NodeSync.Applied a) || !a.full()) {
        throw new IllegalStateException("the first step was not a full apply: " + first);
      }
      verify(netfilter(ns), sync.applied());
      baselines(ns, iterations);

      // A: a pod's ingress binding moves to another pod's chains (all chains stay in use on the
      // node).
      PodBindingFact from = s.movablePod();
      PodBindingFact other =
          s.bindings.stream()
              .filter(
                  b ->
                      !b.pod().equals(from.pod())
                          && !b.ingressChains().equals(from.ingressChains()))
              .findFirst()
              .orElseThrow();
      PodBindingFact to =
          new PodBindingFact(
              from.node(),
              from.pod(),
              from.ips(),
              from.ingressIsolated(),
              from.egressIsolated(),
              other.ingressChains(),
              from.egressChains());
      System.out.printf(
          Locale.ROOT,
          "binding change: %s ingress %d chains -> %d other chains%n",
          from.pod(),
          from.ingressChains().size(),
          to.ingressChains().size());
      run(
          sync,
          nf,
          iterations,
          "binding change",
          List.of(new Step("A->B", change(to)), new Step("B->A", change(from))));

      // B: one peer IP added to a pod-IP set, then removed again.
      SetRef set = s.midSizedPodSet();
      SetEntry extra = SetEntry.ip(IpAddress.parse("10.200.0.1"));
      SetMemberFact member = new SetMemberFact(set.id(), extra);
      System.out.printf(
          Locale.ROOT,
          "set member: %s (%d members) +/- %s%n",
          set.id(),
          s.members.get(set).size(),
          extra);
      run(
          sync,
          nf,
          iterations,
          "peer IP",
          List.of(
              new Step("add", change(member)),
              new Step("remove", new FactCodec.Decoded(CLUSTER, member.key(), null))));
      verify(netfilter(ns), sync.applied());
    } finally {
      deleteNetns(ns);
    }
  }

  record Step(String name, FactCodec.Decoded change) {}

  static FactCodec.Decoded change(Fact f) {
    return new FactCodec.Decoded(CLUSTER, f.key(), f);
  }

  /**
   * Cycles through the steps: offer the fact, time one {@link NodeSync#step}, split it by {@link
   * TimedNetfilter}.
   */
  static void run(
      NodeSync sync, TimedNetfilter nf, int iterations, String label, List<Step> steps) {
    Map<String, List<double[]>> byStep = new LinkedHashMap<>();
    int warmup = 10;
    Instant now = Instant.now();
    for (int i = 0; i < iterations + warmup; i++) {
      Step step = steps.get(i % steps.size());
      sync.offer(step.change(), null);
      nf.reset();
      long t = System.nanoTime();
      NodeSync.Step result = sync.step(now);
      double whole = ms(t);
      if (!(result instanceof NodeSync.Applied a) || a.full()) {
        throw new IllegalStateException(step.name() + ": expected a delta apply, got " + result);
      }
      double restores = nf.restoreNanos / 1e6;
      double conntrack = nf.conntrackNanos / 1e6;
      double checks = nf.checkNanos / 1e6;
      if (i >= warmup) {
        byStep
            .computeIfAbsent(
                step.name()
                    + " ("
                    + nf.restores
                    + " restores, "
                    + nf.conntracks
                    + " conntrack -D, "
                    + a.changedChains()
                    + " chains, +"
                    + a.addedMembers()
                    + " -"
                    + a.removedMembers()
                    + " members)",
                k -> new ArrayList<>())
            .add(
                new double[] {
                  whole, restores, conntrack, checks, whole - restores - conntrack - checks
                });
      }
    }
    List<double[]> all = byStep.values().stream().flatMap(List::stream).toList();
    System.out.printf(
        Locale.ROOT,
        "  %s, all %d transitions: whole step %s (%s)%n",
        label,
        all.size(),
        stats(all, 0),
        load());
    String[] cols = {
      "whole step", "  kernel restores", "  conntrack -D", "  checks", "  java (sync)"
    };
    for (var e : byStep.entrySet()) {
      System.out.printf(Locale.ROOT, "   %s, n=%d%n", e.getKey(), e.getValue().size());
      for (int c = 0; c < cols.length; c++) {
        System.out.printf(Locale.ROOT, "     %-18s %s%n", cols[c], stats(e.getValue(), c));
      }
    }
  }

  /**
   * Floors under any delta on this populated netns: a process spawn, and each tool doing nothing.
   */
  static void baselines(String ns, int n) {
    CommandRunner runner = new CommandRunner(ns, 60);
    CommandRunner host = new CommandRunner(null, 60);
    Map<String, Runnable> probes = new LinkedHashMap<>();
    probes.put("spawn /bin/true (no netns)", () -> host.check(List.of("true"), null));
    probes.put("ip netns exec NS true", () -> runner.check(List.of("true"), null));
    probes.put(
        "iptables-nft-restore --noflush, empty *filter COMMIT",
        () -> runner.check(List.of("iptables-nft-restore", "--noflush"), "*filter\nCOMMIT\n"));
    probes.put("ipset restore, empty input", () -> runner.check(List.of("ipset", "restore"), "\n"));
    probes.put(
        "iptables-nft -C FORWARD (the jump check)",
        () ->
            runner.run(
                List.of(
                    "iptables-nft",
                    "-t",
                    "filter",
                    "-C",
                    "FORWARD",
                    "-m",
                    "comment",
                    "--comment",
                    "fenceline: NetworkPolicy enforcement",
                    "-j",
                    "FNL-FORWARD"),
                null));
    probes.put(
        "conntrack -D -f ipv4 -s IP (no entry)",
        () -> runner.run(List.of("conntrack", "-D", "-f", "ipv4", "-s", "10.0.0.3"), null));
    System.out.println("  baselines on the populated netns (" + load() + "):");
    for (var e : probes.entrySet()) {
      List<double[]> rows = new ArrayList<>();
      for (int i = 0; i < n + 5; i++) {
        long t = System.nanoTime();
        e.getValue().run();
        if (i >= 5) {
          rows.add(new double[] {ms(t)});
        }
      }
      System.out.printf(Locale.ROOT, "     %-55s %s%n", e.getKey(), stats(rows, 0));
    }
  }

  static String load() {
    try {
      return "loadavg " + Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException e) {
      return "loadavg ?";
    }
  }

  // ---- 3. cold start
  // -----------------------------------------------------------------------------

  static void cold(Scenario s, Path jar, int runs) throws Exception {
    System.out.println(
        "\n== 3. COLD START: java -jar "
            + jar
            + " applier --netns, embedded broker in this process, "
            + load()
            + " ==");
    for (int i = 0; i < 3; i++) {
      long t = System.nanoTime();
      Process p =
          new ProcessBuilder(javaBin(), "-jar", jar.toString(), "--version")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.waitFor();
      System.out.printf(
          Locale.ROOT, "  reference: java -jar fenceline.jar --version: %.0f ms%n", ms(t));
    }
    Path dataDir = Files.createTempDirectory("flbench-kafka-");
    RenderedNode want = NodeRenderer.structure(s.model());
    int wantRules = want.ruleCount(4) - 1;
    long t = System.nanoTime();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
      String bootstrap = kafka.bootstrapServers();
      System.out.printf(
          Locale.ROOT, "  broker: EmbeddedKafka.start %.0f ms (%s)%n", ms(t), bootstrap);
      t = System.nanoTime();
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        TopicAdmin.ensure(
            admin,
            new Topics.Layout(EVENT_PARTITIONS, FACT_PARTITIONS, 86_400_000L, 86_400_000L).specs());
      }
      System.out.printf(
          Locale.ROOT,
          "  topics: TopicAdmin.ensure %.0f ms (node-facts: %d partitions)%n",
          ms(t),
          FACT_PARTITIONS);
      t = System.nanoTime();
      long[] produced = produce(s, bootstrap);
      System.out.printf(
          Locale.ROOT,
          "  facts: %d records, %.1f MB of values, one transaction into partition %d in %.0f ms%n",
          produced[0],
          produced[1] / 1e6,
          NodePartitions.partitionOf(CLUSTER, NODE, FACT_PARTITIONS),
          ms(t));
      readReference(bootstrap);
      t = System.nanoTime();
      primeGroupCoordinator(bootstrap);
      System.out.printf(
          Locale.ROOT,
          "  __consumer_offsets created and loaded (a long-running broker has it) in %.0f ms%n",
          ms(t));
      for (int run = 1; run <= runs; run++) {
        coldRun(run, jar, bootstrap, wantRules);
      }
    } finally {
      deleteTree(dataDir);
    }
  }

  static long[] produce(Scenario s, String bootstrap) {
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            "flbench-engine",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5);
    int partition = NodePartitions.partitionOf(CLUSTER, NODE, FACT_PARTITIONS);
    long records = 0;
    long bytes = 0;
    String observedAt = Instant.now().toString();
    try (KafkaProducer<String, byte[]> p =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      p.initTransactions();
      p.beginTransaction();
      for (Fact f : s.factsInOrder()) {
        byte[] value = FactCodec.encode(f);
        // As the engine writes them: set members once to the cluster's set-members partition, the
        // rest to the node's.
        ProducerRecord<String, byte[]> r =
            f.key() instanceof FactKey.Member
                ? new ProducerRecord<>(
                    Topics.SET_MEMBERS,
                    Topics.setPartitionOf(CLUSTER, EVENT_PARTITIONS),
                    FactCodec.keyText(CLUSTER, f.key()),
                    value)
                : new ProducerRecord<>(
                    Topics.NODE_FACTS, partition, FactCodec.keyText(CLUSTER, f.key()), value);
        r.headers().add("fenceline.cluster", CLUSTER.getBytes(StandardCharsets.UTF_8));
        r.headers().add("fenceline.source.partition", "0".getBytes(StandardCharsets.UTF_8));
        r.headers().add("fenceline.source.offset", "1".getBytes(StandardCharsets.UTF_8));
        r.headers().add("fenceline.observed-at", observedAt.getBytes(StandardCharsets.UTF_8));
        p.send(r);
        records++;
        bytes += value.length;
      }
      p.commitTransaction();
    }
    return new long[] {records, bytes};
  }

  /**
   * What the applier's catch-up read costs, split: fetching its two partitions read_committed with
   * the applier's consumer settings (no decoding), then FactCodec.decode + NodeFacts.apply of every
   * record (twice: the first pass is JIT-cold for the decoder, as in a starting applier).
   */
  static void readReference(String bootstrap) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    double[] fetch = new double[4];
    for (int i = 0; i < 4; i++) {
      records.clear();
      Map<String, Object> props =
          new HashMap<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap,
                  ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                  "read_committed",
                  ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                  false,
                  ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                  5000));
      if (i % 2 == 1) {
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 << 20);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100_000);
      }
      long t = System.nanoTime();
      try (KafkaConsumer<String, byte[]> c =
          new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
        TopicPartition tp =
            new TopicPartition(
                Topics.NODE_FACTS, NodePartitions.partitionOf(CLUSTER, NODE, FACT_PARTITIONS));
        TopicPartition sp =
            new TopicPartition(
                Topics.SET_MEMBERS, Topics.setPartitionOf(CLUSTER, EVENT_PARTITIONS));
        c.assign(List.of(tp, sp));
        c.seekToBeginning(List.of(tp, sp));
        Map<TopicPartition, Long> end = c.endOffsets(List.of(tp, sp));
        while (c.position(tp) < end.get(tp) || c.position(sp) < end.get(sp)) {
          c.poll(Duration.ofMillis(500)).forEach(records::add);
        }
      }
      fetch[i] = ms(t);
    }
    long bytes =
        records.stream()
            .mapToLong(
                r ->
                    r.serializedKeySize()
                        + Math.max(0, r.serializedValueSize())
                        + java.util.stream.StreamSupport.stream(r.headers().spliterator(), false)
                            .mapToLong(h -> h.key().length() + h.value().length)
                            .sum())
            .sum();
    double[] fold = new double[2];
    for (int pass = 0; pass < 2; pass++) {
      long t = System.nanoTime();
      NodeFacts f = new NodeFacts(CLUSTER, NODE);
      for (ConsumerRecord<String, byte[]> r : records) {
        try {
          f.apply(FactCodec.decode(r.key(), r.value()));
        } catch (io.fenceline.core.facts.FactFormatException e) {
          throw new IllegalStateException(e);
        }
      }
      fold[pass] = ms(t);
    }
    System.out.printf(
        Locale.ROOT,
        "  reference (this JVM): consume %d records (%.1f MB keys+values+headers) read_committed, new consumer, no decode: "
            + "%.0f / %.0f ms with the applier's fetch sizes (1 MB per partition), %.0f / %.0f ms with 64 MB%n",
        records.size(),
        bytes / 1e6,
        fetch[0],
        fetch[2],
        fetch[1],
        fetch[3]);
    System.out.printf(
        Locale.ROOT,
        "  reference (this JVM): FactCodec.decode + NodeFacts.apply of all: %.0f ms first pass, %.0f ms second%n",
        fold[0],
        fold[1]);
  }

  /** Commits one offset so the group coordinator exists before the first applier commits. */
  static void primeGroupCoordinator(String bootstrap) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            "flbench-prime",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(Topics.NODE_STATUS, 0);
      c.assign(List.of(tp));
      for (int i = 0; ; i++) {
        try {
          c.commitSync(
              Map.of(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(0)),
              Duration.ofSeconds(30));
          return;
        } catch (org.apache.kafka.common.errors.RetriableException e) {
          if (i > 20) {
            throw e;
          }
        }
      }
    }
  }

  static void coldRun(int run, Path jar, String bootstrap, int wantRules) throws Exception {
    String ns = netns("cold");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong receiptAt = new AtomicLong(-1);
    List<String[]> output = new CopyOnWriteArrayList<>();
    Map<String, Object> cprops =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    Process p = null;
    try (KafkaConsumer<String, byte[]> status =
        new KafkaConsumer<>(cprops, new StringDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(Topics.NODE_STATUS, 0);
      status.assign(List.of(tp));
      status.seekToEnd(List.of(tp));
      status.position(tp);
      List<String> cmd = new ArrayList<>(List.of(javaBin()));
      cmd.addAll(applierJvmArgs);
      cmd.addAll(
          List.of(
              "-jar",
              jar.toString(),
              "applier",
              "--node",
              NODE,
              "--cluster",
              CLUSTER,
              "--bootstrap-servers",
              bootstrap,
              "--netns",
              ns));
      if (run == 1) {
        System.out.println("  applier command: " + String.join(" ", cmd));
      }
      long t0 = System.nanoTime();
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      PROCESSES.add(p);
      Process proc = p;
      LongSupplier since = () -> (System.nanoTime() - t0) / 1_000_000;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = r.readLine()) != null; ) {
                    output.add(new String[] {Long.toString(since.getAsLong()), line});
                  }
                } catch (IOException e) {
                  // process gone
                }
              },
              "flbench-applier-output");
      reader.setDaemon(true);
      reader.start();
      Thread receipts =
          new Thread(
              () -> {
                while (!stop.get() && receiptAt.get() < 0) {
                  for (ConsumerRecord<String, byte[]> r : status.poll(Duration.ofMillis(5))) {
                    if ((CLUSTER + "/" + NODE).equals(r.key()) && receiptAt.get() < 0) {
                      receiptAt.set(since.getAsLong());
                    }
                  }
                }
              },
              "flbench-receipts");
      receipts.start();
      long rulesAt = -1;
      int polls = 0;
      double pollMax = 0;
      long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline && (rulesAt < 0 || receiptAt.get() < 0) && p.isAlive()) {
        long next = System.nanoTime() + 20_000_000L;
        if (rulesAt < 0) {
          long ps = System.nanoTime();
          String save =
              exec(List.of("ip", "netns", "exec", ns, "iptables-save", "-t", "filter"), null);
          pollMax = Math.max(pollMax, ms(ps));
          polls++;
          if (save.contains(":FNL-FORWARD")
              && save.contains("-j FNL-FORWARD")
              && save.lines().filter(l -> l.startsWith("-A FNL-")).count() == wantRules) {
            rulesAt = since.getAsLong();
          }
        }
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
          Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
        }
      }
      stop.set(true);
      receipts.join();
      System.out.printf(
          Locale.ROOT,
          "  run %d: first receipt %s ms, FNL-FORWARD with %d rules in iptables-save %s ms "
              + "(%d polls, slowest iptables-save %.0f ms)%n",
          run,
          receiptAt.get() < 0 ? "NONE" : receiptAt.get(),
          wantRules,
          rulesAt < 0 ? "NEVER" : rulesAt,
          polls,
          pollMax);
      Path log = Path.of(System.getProperty("java.io.tmpdir"), "flbench-cold-run-" + run + ".log");
      Files.write(log, output.stream().map(l -> "+" + l[0] + " ms  " + l[1]).toList());
      System.out.println("      (applier output with arrival times: " + log + ")");
      for (String[] line : output) {
        String l = line[1];
        if (l.contains("iptables") && l.contains("backend")
            || l.contains("reading partition")
            || l.contains("applied ")
            || l.contains("ERROR")
            || l.contains("Exception")) {
          System.out.printf(
              Locale.ROOT,
              "      +%5s ms  %s%n",
              line[0],
              l.length() > 170 ? l.substring(0, 170) + "..." : l);
        }
      }
    } finally {
      if (p != null) {
        p.destroy();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
        PROCESSES.remove(p);
      }
      deleteNetns(ns);
    }
  }

  // ---- the synthetic node
  // ------------------------------------------------------------------------

  /** 110 pods, 500 chains, 250 sets with 50,000 members; deterministic for a seed. */
  static final class Scenario {
    final Map<SetRef, List<SetEntry>> members = new LinkedHashMap<>();
    final List<PolicyChainFact> chains = new ArrayList<>();
    final List<PodBindingFact> bindings = new ArrayList<>();

    static Scenario generate(Random rnd) {
      Scenario s = new Scenario();
      // Peer pod IPs of the cluster: 20,000 addresses in 10.128.0.0/14.
      List<IpAddress> pool = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        pool.add(
            IpAddress.parse("10." + (128 + i / 65536) + "." + (i / 256 % 256) + "." + (i % 256)));
      }
      List<SetRef> podSets = new ArrayList<>();
      List<SetRef> blockSets = new ArrayList<>();
      List<SetRef> portSets = new ArrayList<>();
      int blockMembers = 0;
      for (int i = 0; i < BLOCK_SETS; i++) {
        String def = "block 172." + (16 + i) + ".0.0/16 except " + (i % 4);
        SetRef ref = new SetRef(StableHash.of(def), SetKind.IP_BLOCK, 4, def);
        List<SetEntry> m = new ArrayList<>();
        m.add(SetEntry.block(IpPrefix.parse("172." + (16 + i) + ".0.0/16"), false));
        for (int e = 0; e < i % 4; e++) {
          m.add(SetEntry.block(IpPrefix.parse("172." + (16 + i) + "." + (e * 16) + ".0/24"), true));
        }
        blockMembers += m.size();
        s.members.put(ref, m);
        blockSets.add(ref);
      }
      for (int i = 0; i < NAMED_PORT_SETS; i++) {
        String def = "namedport ns-" + i + " app=svc-" + i + " port=http";
        SetRef ref = new SetRef(StableHash.of(def), SetKind.NAMED_PORT, 0, def);
        List<SetEntry> m = new ArrayList<>();
        for (IpAddress ip : sample(pool, NAMED_PORT_MEMBERS, rnd)) {
          m.add(SetEntry.ipPort(ip, Protocol.TCP, 8080 + i));
        }
        s.members.put(ref, m);
        portSets.add(ref);
      }
      // Pod-IP sets: sizes skewed (a few namespace-wide selectors, many small app selectors).
      int remaining = TOTAL_MEMBERS - blockMembers - NAMED_PORT_SETS * NAMED_PORT_MEMBERS;
      double[] w = new double[POD_IP_SETS];
      double sum = 0;
      for (int i = 0; i < POD_IP_SETS; i++) {
        w[i] = 1.0 / Math.pow(i + 4, 0.9);
        sum += w[i];
      }
      int[] size = new int[POD_IP_SETS];
      int assigned = 0;
      for (int i = 0; i < POD_IP_SETS; i++) {
        size[i] = Math.max(1, (int) Math.floor(remaining * w[i] / sum));
        assigned += size[i];
      }
      for (int i = 0; assigned < remaining; i = (i + 1) % POD_IP_SETS) {
        size[i]++;
        assigned++;
      }
      for (int i = 0; i < POD_IP_SETS; i++) {
        String def = "pods ns-sel=team-" + (i % 17) + " pod-sel=app-" + i;
        SetRef ref = new SetRef(StableHash.of(def), SetKind.POD_IPS, 0, def);
        s.members.put(ref, sample(pool, size[i], rnd).stream().map(SetEntry::ip).toList());
        podSets.add(ref);
      }
      // Chains: 250 ingress, 250 egress, 1..3 clauses; every set used by some chain.
      int podCursor = 0;
      int blockCursor = 0;
      int portCursor = 0;
      for (Direction d : List.of(Direction.INGRESS, Direction.EGRESS)) {
        for (int i = 0; i < CHAINS_PER_DIRECTION; i++) {
          ObjectKey policy = ObjectKey.of("ns-" + (i % 10), "policy-" + d.lowerName() + "-" + i);
          List<Clause> clauses = new ArrayList<>();
          int n = 1 + (i % 3);
          for (int c = 0; c < n; c++) {
            int port = 80 + rnd.nextInt(9000);
            if (c == 2 && d == Direction.EGRESS && i % 2 == 0) {
              SetRef ref = portSets.get(portCursor++ % portSets.size());
              clauses.add(
                  new Clause(
                      null, ref, Protocol.TCP, null, null, policy + " egress to named port http"));
            } else if (c == 1 && i % 4 == 1) {
              SetRef ref = blockSets.get(blockCursor++ % blockSets.size());
              clauses.add(
                  new Clause(ref, null, Protocol.TCP, port, port, policy + " " + ref.definition()));
            } else {
              SetRef ref = podSets.get(podCursor++ % podSets.size());
              Protocol proto = c == 1 ? Protocol.UDP : Protocol.TCP;
              clauses.add(
                  new Clause(
                      ref,
                      null,
                      proto,
                      port,
                      c == 2 ? port + 10 : port,
                      policy + " " + ref.definition()));
            }
          }
          String canonical =
              policy + " " + d + " " + clauses.stream().map(Clause::canonical).toList();
          s.chains.add(new PolicyChainFact(StableHash.of(canonical), policy, d, clauses));
        }
      }
      List<PolicyChainFact> in =
          s.chains.stream().filter(c -> c.direction() == Direction.INGRESS).toList();
      List<PolicyChainFact> eg =
          s.chains.stream().filter(c -> c.direction() == Direction.EGRESS).toList();
      int inCursor = 0;
      int egCursor = 0;
      for (int i = 0; i < PODS; i++) {
        List<String> ins = new ArrayList<>();
        for (int k = 0; k < 2 + i % 4; k++) {
          ins.add(in.get(inCursor++ % in.size()).id());
        }
        List<String> egs = new ArrayList<>();
        for (int k = 0; k < 3 + (i / 4) % 4; k++) {
          egs.add(eg.get(egCursor++ % eg.size()).id());
        }
        IpAddress ip = IpAddress.parse("10.0.0." + (2 + i));
        s.bindings.add(
            new PodBindingFact(
                NODE,
                ObjectKey.of("ns-" + (i % 10), "pod-" + i),
                List.of(ip),
                true,
                true,
                ins,
                egs));
      }
      return s;
    }

    static List<IpAddress> sample(List<IpAddress> pool, int n, Random rnd) {
      List<IpAddress> copy = new ArrayList<>(pool);
      for (int i = 0; i < n; i++) {
        java.util.Collections.swap(copy, i, i + rnd.nextInt(copy.size() - i));
      }
      return new ArrayList<>(copy.subList(0, n));
    }

    /** Members, then chains, then bindings (the engine's order within one transaction). */
    List<Fact> factsInOrder() {
      List<Fact> out = new ArrayList<>();
      members.forEach(
          (ref, entries) -> entries.forEach(e -> out.add(new SetMemberFact(ref.id(), e))));
      out.addAll(chains);
      out.addAll(bindings);
      return out;
    }

    NodeFacts nodeFacts() {
      NodeFacts f = new NodeFacts(CLUSTER, NODE);
      for (Fact fact : factsInOrder()) {
        f.apply(new FactCodec.Decoded(CLUSTER, fact.key(), fact));
      }
      return f;
    }

    NodeModel model() {
      return nodeFacts().model();
    }

    /**
     * A pod whose ingress chains are all used by some other pod too (moving it away deletes no
     * chain).
     */
    PodBindingFact movablePod() {
      Map<String, Integer> uses = new HashMap<>();
      bindings.forEach(
          b ->
              Stream.concat(b.ingressChains().stream(), b.egressChains().stream())
                  .forEach(id -> uses.merge(id, 1, Integer::sum)));
      return bindings.stream()
          .filter(b -> b.ingressChains().size() >= 3)
          .filter(b -> b.ingressChains().stream().allMatch(id -> uses.get(id) > 1))
          .findFirst()
          .orElseThrow();
    }

    SetRef midSizedPodSet() {
      return members.entrySet().stream()
          .filter(e -> e.getKey().kind() == SetKind.POD_IPS)
          .sorted(Comparator.comparingInt(e -> -e.getValue().size()))
          .skip(POD_IP_SETS / 4)
          .findFirst()
          .orElseThrow()
          .getKey();
    }

    String describe() {
      int total = members.values().stream().mapToInt(List::size).sum();
      int max = members.values().stream().mapToInt(List::size).max().orElse(0);
      double perPod =
          bindings.stream()
              .mapToInt(b -> b.ingressChains().size() + b.egressChains().size())
              .average()
              .orElse(0);
      Set<String> used = new java.util.HashSet<>();
      bindings.forEach(
          b -> {
            used.addAll(b.ingressChains());
            used.addAll(b.egressChains());
          });
      return String.format(
          Locale.ROOT,
          "node %s: %d isolated pods (IPv4, both directions), %.1f chains per pod (5..11), "
              + "%d chains (%d used), %d sets (%d pod-IP, %d ipBlock, %d named-port), %d members (largest set %d)",
          NODE,
          bindings.size(),
          perPod,
          chains.size(),
          used.size(),
          members.size(),
          POD_IP_SETS,
          BLOCK_SETS,
          NAMED_PORT_SETS,
          total,
          max);
    }
  }

  // ---- helpers
  // -----------------------------------------------------------------------------------

  static ProcessNetfilter netfilter(String ns) {
    CommandRunner runner = new CommandRunner(ns, 60);
    return new ProcessNetfilter(runner, IptablesBackend.detect(runner));
  }

  static String netns(String what) {
    String name =
        "flbench-" + what + "-" + ProcessHandle.current().pid() + "-" + NETNS_SEQ.incrementAndGet();
    exec(List.of("ip", "netns", "add", name), null);
    NAMESPACES.add(name);
    return name;
  }

  static void deleteNetns(String name) {
    if (NAMESPACES.remove(name)) {
      exec(List.of("ip", "netns", "delete", name), null);
    }
  }

  static synchronized void cleanUp() {
    for (Process p : PROCESSES) {
      p.destroyForcibly();
    }
    PROCESSES.clear();
    for (String ns : List.copyOf(NAMESPACES)) {
      try {
        deleteNetns(ns);
      } catch (RuntimeException e) {
        System.err.println("could not delete netns " + ns + ": " + e.getMessage());
      }
    }
  }

  static String exec(List<String> cmd, String stdin) {
    CommandRunner.Result r = new CommandRunner(null, 60).run(cmd, stdin);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", cmd) + " exited " + r.exitCode() + ": " + r.stderr());
    }
    return r.stdout();
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static double ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6;
  }

  static int lines(String s) {
    return s.isEmpty() ? 0 : (int) s.chars().filter(c -> c == '\n').count();
  }

  static String kb(String s) {
    return String.format(
        Locale.ROOT, "%.0f KB", s.getBytes(StandardCharsets.UTF_8).length / 1024.0);
  }

  static String stats(List<double[]> rows, int col) {
    double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
    return String.format(
        Locale.ROOT,
        "p50 %6.2f  p99 %6.2f  max %6.2f ms",
        pct(v, 0.50),
        pct(v, 0.99),
        v[v.length - 1]);
  }

  static double pct(double[] sorted, double q) {
    return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
