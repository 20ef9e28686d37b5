package io.fenceline.engine.bench;

import io.fenceline.core.compile.WorkCounters;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.facts.FactKey;
import io.fenceline.core.facts.PartitionRouter;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import io.fenceline.engine.EngineConfig;
import io.fenceline.engine.topology.EngineTopology;
import io.fenceline.fleet.Change;
import io.fenceline.fleet.ChangeKind;
import io.fenceline.fleet.ChurnGenerator;
import io.fenceline.fleet.FleetSpec;
import io.fenceline.kafka.topics.Topics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The engine benchmark (a main, not a test: tests never assert on time). Three measurements:
 *
 * <ul>
 *   <li>{@code cold SIZE...}: the fold of a whole cluster through the compiler and the partition
 *       router (64 node-facts partitions), as a task does when it starts (ADR 0002): decode time,
 *       fold time, facts and records emitted, heap kept after a full GC.
 *   <li>{@code stream SIZE EVENTS}: sustained pod events per second — through the compiler and
 *       router alone, through the processor's per-event work without Kafka Streams (decode,
 *       compile, route, encode), and through the real processor with its real RocksDB store in
 *       TopologyTestDriver ({@code EngineTopology.build(1)}; no broker).
 *   <li>{@code change SIZE}: records, bytes and partitions written to node-facts by single changes
 *       in steady state (pod relabel, IP change, version relabel, creation, deletion; namespace
 *       relabel; policy edit), 64 partitions.
 * </ul>
 *
 * SIZE is {@code pods/policies/nodes}, e.g. {@code 100000/10000/1000}: one cluster of the shared
 * fleet generator ({@link BenchCluster}). Everything is generated from a fixed seed ({@code
 * -Dbench.seed}, default 42), so runs are comparable.
 */
public final class FencelineBench {
  static final long SEED = Long.getLong("bench.seed", 42L);
  static final int PARTITIONS = Integer.getInteger("bench.partitions", 64);

  /** Folds per size in {@code cold} (the first is in a cold JVM, as after a restart). */
  static final int REPEAT = Integer.getInteger("bench.repeat", 1);

  /** Whether {@code cold} also encodes its output to count bytes (in a second, untimed fold). */
  static final boolean BYTES = !Boolean.getBoolean("bench.noBytes");

  private FencelineBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println(
          "usage: FencelineBench cold SIZE... [--pods-first] | stream SIZE EVENTS | change SIZE [SAMPLES]"
              + "\n  SIZE = pods/policies/nodes, e.g. 100000/10000/1000");
      System.exit(2);
    }
    System.out.printf(
        Locale.ROOT,
        "# fenceline bench: seed %d, %d node-facts partitions, max heap %d MiB, %d cpus, %s%n",
        SEED,
        PARTITIONS,
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    System.out.println(
        "# load average at start (other processes share the CPUs): " + loadAverage());
    switch (args[0]) {
      case "cold" -> {
        boolean podsFirst = Arrays.asList(args).contains("--pods-first");
        for (int i = 1; i < args.length; i++) {
          if (!args[i].startsWith("--")) {
            cold(BenchCluster.size(args[i]), false);
            if (podsFirst) {
              cold(BenchCluster.size(args[i]), true);
            }
          }
        }
      }
      case "stream" -> stream(BenchCluster.size(args[1]), Integer.parseInt(args[2]));
      case "change" ->
          change(BenchCluster.size(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 200);
      default -> {
        System.err.println("unknown mode " + args[0]);
        System.exit(2);
      }
    }
  }

  // ---- (a) cold compile -----------------------------------------------------------------------

  static void cold(FleetSpec size, boolean podsFirst) {
    String order = podsFirst ? "pods first" : "store order (ns, policies, nodes, pods)";
    System.out.printf(
        Locale.ROOT, "%n## cold compile: %s, %s%n", BenchCluster.describe(size), order);
    long base = usedHeapAfterGc();
    long t = System.nanoTime();
    BenchCluster gen = new BenchCluster(SEED, size);
    List<ChangeEvent> events = podsFirst ? gen.podsFirstOrder() : gen.storeOrder();
    int namespaces = gen.namespaces();
    gen = null;
    // What the object store holds: the encoded events.
    List<byte[]> stored = new ArrayList<>(events.size());
    long storedBytes = 0;
    for (ChangeEvent e : events) {
      byte[] b = EventCodec.encode(e);
      storedBytes += b.length;
      stored.add(b);
    }
    events = null;
    System.out.printf(
        Locale.ROOT,
        "generated %,d objects (%d namespaces), %,d bytes as stored events, in %.1f s%n",
        stored.size(),
        namespaces,
        storedBytes,
        secs(System.nanoTime() - t));

    usedHeapAfterGc();
    t = System.nanoTime();
    List<ClusterChange> changes = new ArrayList<>(stored.size());
    for (byte[] b : stored) {
      changes.add(EnginePipeline.decode(b));
    }
    long decodeNanos = System.nanoTime() - t;
    stored = null;
    System.out.printf(
        Locale.ROOT,
        "decode (event JSON -> model, as a task's rebuild does): %.2f s%n",
        secs(decodeNanos));

    EnginePipeline pipeline = null;
    long wall = 0;
    long cpu = 0;
    long gc = 0;
    for (int round = 0; round < REPEAT; round++) {
      pipeline = null;
      usedHeapAfterGc();
      pipeline = new EnginePipeline(PARTITIONS);
      long gc0 = gcMillis();
      cpu = cpuNanos();
      wall = System.nanoTime();
      for (ClusterChange c : changes) {
        pipeline.apply(c);
      }
      wall = System.nanoTime() - wall;
      cpu = cpuNanos() - cpu;
      gc = gcMillis() - gc0;
      System.out.printf(
          Locale.ROOT,
          "fold%s: %.2f s wall, %.2f s CPU of the folding thread (compiler %.2f s, router %.2f s;"
              + " GC pauses %.2f s) for %,d objects; load average now %s%n",
          REPEAT > 1 ? " #" + (round + 1) : "",
          secs(wall),
          secs(cpu),
          secs(pipeline.compileNanos),
          secs(pipeline.routeNanos),
          gc / 1000.0,
          changes.size(),
          loadAverage());
    }
    // The model objects are held by the compiler anyway; the list adds only its wrappers.
    long heap = usedHeapAfterGc() - base;
    System.out.printf(
        Locale.ROOT,
        "heap kept by compiler + router (+ the model objects they hold) after full GC: %,d MiB%n",
        heap >> 20);
    System.out.printf(
        Locale.ROOT,
        "facts emitted by the compiler: %,d; node-facts records after routing: %,d%n",
        pipeline.factChanges,
        pipeline.records);
    long factChanges = pipeline.factChanges;
    long records = pipeline.records;
    long compileNanos = pipeline.compileNanos;
    long routeNanos = pipeline.routeNanos;
    pipeline = null;

    // Bytes, in a second (untimed) fold so that encoding garbage does not disturb the timed one.
    double mib = -1;
    if (BYTES) {
      usedHeapAfterGc();
      EnginePipeline again = new EnginePipeline(PARTITIONS);
      long[] upserts = new long[3];
      long removals = 0;
      long keyBytes = 0;
      long valueBytes = 0;
      Set<String> setIds = new HashSet<>();
      for (ClusterChange c : changes) {
        for (PartitionRouter.Routed r : again.apply(c)) {
          int n = EnginePipeline.records(r);
          keyBytes += (long) n * EnginePipeline.keyBytes(r.change());
          valueBytes += (long) n * EnginePipeline.valueBytes(r.change());
          if (r.change().value() == null) {
            removals += n;
          } else {
            upserts[r.change().key().rank()] += n;
            if (r.change().key() instanceof FactKey.Member m) {
              setIds.add(m.setId());
            }
          }
        }
      }
      mib = (keyBytes + valueBytes) / 1048576.0;
      System.out.printf(
          Locale.ROOT,
          "node-facts records: %,d bindings, %,d chains, %,d members (of %,d sets), %,d tombstones;"
              + " key %,d B + value %,d B = %.1f MiB (+ %d header bytes per record)%n",
          upserts[2],
          upserts[1],
          upserts[0],
          setIds.size(),
          removals,
          keyBytes,
          valueBytes,
          mib,
          EnginePipeline.headerBytes());
    }
    System.out.printf(
        Locale.ROOT,
        "RESULT cold | %s | %s | decode %.2f s | fold %.2f s | fold cpu %.2f s | compile %.2f s"
            + " | route %.2f s | gc %.2f s | facts %,d | records %,d | bytes %.1f MiB | heap %,d MiB%n",
        BenchCluster.describe(size),
        podsFirst ? "pods-first" : "store-order",
        secs(decodeNanos),
        secs(wall),
        secs(cpu),
        secs(compileNanos),
        secs(routeNanos),
        gc / 1000.0,
        factChanges,
        records,
        mib,
        heap >> 20);
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** CPU time of the calling thread: robust against other processes competing for the CPUs. */
  static long cpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  static long gcMillis() {
    long sum = 0;
    for (var b : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, b.getCollectionTime());
    }
    return sum;
  }

  // ---- (b) sustained pod events ---------------------------------------------------------------

  static void stream(FleetSpec size, int count) throws IOException {
    System.out.printf(
        Locale.ROOT,
        "%n## sustained pod events: %s, %,d pod events%n",
        BenchCluster.describe(size),
        count);
    BenchCluster gen = new BenchCluster(SEED, size);
    List<ChangeEvent> initial = gen.storeOrder();
    List<Change> churn = gen.podChurn(count);
    Map<ChangeKind, Integer> mix = new EnumMap<>(ChangeKind.class);
    churn.forEach(c -> mix.merge(c.cause(), 1, Integer::sum));
    System.out.println("initial objects: " + initial.size() + "; churn mix: " + mix);
    List<byte[]> initialBytes = initial.stream().map(EventCodec::encode).toList();
    List<byte[]> churnBytes = churn.stream().map(c -> EventCodec.encode(gen.event(c))).toList();
    List<ClusterChange> initialChanges = initialBytes.stream().map(EnginePipeline::decode).toList();
    List<ClusterChange> churnChanges = churnBytes.stream().map(EnginePipeline::decode).toList();
    initial = null;
    churn = null;

    // 1. The compiler and the router alone (model changes already decoded).
    for (int partitions : new int[] {1, PARTITIONS}) {
      for (int round = 0; round < 2; round++) { // round 0 warms the JIT up on the same work
        EnginePipeline p = new EnginePipeline(partitions);
        initialChanges.forEach(p::apply);
        long records0 = p.records;
        WorkCounters w0 = p.compiler.counters();
        long cpu = cpuNanos();
        long t = System.nanoTime();
        churnChanges.forEach(p::apply);
        long ns = System.nanoTime() - t;
        cpu = cpuNanos() - cpu;
        WorkCounters w = p.compiler.counters().minus(w0);
        if (round == 1 && partitions == 1) {
          System.out.printf(
              Locale.ROOT,
              "compiler work per pod event: %.1f selector evaluations, %.1f pods visited,"
                  + " %.1f fact changes%n",
              w.selectorEvaluations() / (double) count,
              w.podsVisited() / (double) count,
              w.factsEmitted() / (double) count);
        }
        if (round == 1) {
          System.out.printf(
              Locale.ROOT,
              "compiler+router alone, %2d partition(s): %,.0f events/s (%.2f s wall; %,.0f events per CPU-second);"
                  + " %,d records%n",
              partitions,
              count / secs(ns),
              secs(ns),
              count / secs(cpu),
              p.records - records0);
          System.out.printf(
              Locale.ROOT,
              "RESULT stream | %s | compiler+router, %d partition(s) | %,.0f events/s"
                  + " | %,.0f events/CPU-s%n",
              BenchCluster.describe(size),
              partitions,
              count / secs(ns),
              count / secs(cpu));
        }
      }
    }

    // 2. The processor's per-event work without Kafka Streams: decode, compile, route, encode.
    for (int round = 0; round < 2; round++) {
      EnginePipeline p = new EnginePipeline(1);
      initialChanges.forEach(p::apply);
      long bytes = 0;
      long cpu = cpuNanos();
      long t = System.nanoTime();
      for (byte[] b : churnBytes) {
        for (PartitionRouter.Routed r : p.apply(EnginePipeline.decode(b))) {
          bytes += EnginePipeline.keyBytes(r.change()) + EnginePipeline.valueBytes(r.change());
        }
      }
      long ns = System.nanoTime() - t;
      cpu = cpuNanos() - cpu;
      if (round == 1) {
        System.out.printf(
            Locale.ROOT,
            "decode+compile+route+encode, 1 partition: %,.0f events/s (%.2f s; %,.0f events per"
                + " CPU-second), %,d bytes out%n",
            count / secs(ns),
            secs(ns),
            count / secs(cpu),
            bytes);
        System.out.printf(
            Locale.ROOT,
            "RESULT stream | %s | decode+compile+route+encode, 1 partition | %,.0f events/s"
                + " | %,.0f events/CPU-s%n",
            BenchCluster.describe(size),
            count / secs(ns),
            count / secs(cpu));
      }
    }
    initialChanges = null;
    churnChanges = null;

    // 3. The real processor with its real RocksDB store, in TopologyTestDriver.
    Path stateDir = Files.createTempDirectory("fenceline-bench-state");
    Properties props =
        new EngineConfig(
                "unused:9092",
                EngineConfig.DEFAULT_APPLICATION_ID,
                stateDir,
                Topics.Layout.defaults(),
                Map.of())
            .streamsProperties();
    System.out.println(
        "TopologyTestDriver: EngineTopology.build(1), RocksDB state in "
            + stateDir
            + ", processing.guarantee="
            + props.get("processing.guarantee"));
    long[] out = new long[2];
    TopologyTestDriver driver = new TopologyTestDriver(EngineTopology.build(1), props);
    try {
      TestInputTopic<String, byte[]> in =
          driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer());
      TestOutputTopic<byte[], byte[]> facts =
          driver.createOutputTopic(
              Topics.NODE_FACTS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      long t = System.nanoTime();
      pipe(in, facts, initialBytes, out);
      long loadNs = System.nanoTime() - t;
      System.out.printf(
          Locale.ROOT,
          "TTD load of %,d objects: %.1f s (%,.0f events/s), %,d records%n",
          initialBytes.size(),
          secs(loadNs),
          initialBytes.size() / secs(loadNs),
          out[0]);
      // Warm-up on a copy of the first events would change the state; the load above warmed the
      // JIT.
      out[0] = 0;
      out[1] = 0;
      long cpu = cpuNanos();
      t = System.nanoTime();
      pipe(in, facts, churnBytes, out);
      long ns = System.nanoTime() - t;
      cpu = cpuNanos() - cpu;
      System.out.printf(
          Locale.ROOT,
          "TTD processor + RocksDB store, 1 partition: %,.0f events/s (%.1f s; %,.0f events per"
              + " CPU-second of the driving thread), %,d records, %,d bytes; load average now %s%n",
          count / secs(ns),
          secs(ns),
          count / secs(cpu),
          out[0],
          out[1],
          loadAverage());
      System.out.printf(
          Locale.ROOT,
          "RESULT stream | %s | TTD processor + RocksDB, 1 partition | %,.0f events/s"
              + " | %,.0f events/CPU-s | load %,.0f events/s%n",
          BenchCluster.describe(size),
          count / secs(ns),
          count / secs(cpu),
          initialBytes.size() / secs(loadNs));
    } finally {
      driver.close();
    }
    deleteRecursively(stateDir);
  }

  private static void pipe(
      TestInputTopic<String, byte[]> in,
      TestOutputTopic<byte[], byte[]> facts,
      List<byte[]> events,
      long[] out) {
    int i = 0;
    for (byte[] e : events) {
      in.pipeInput(BenchCluster.CLUSTER, e);
      if (++i % 500 == 0) {
        drain(facts, out);
      }
    }
    drain(facts, out);
  }

  private static void drain(TestOutputTopic<byte[], byte[]> facts, long[] out) {
    for (TestRecord<byte[], byte[]> r : facts.readRecordsToList()) {
      out[0]++;
      out[1] += r.key().length + (r.value() == null ? 0 : r.value().length);
    }
  }

  // ---- (c) cost per change ----------------------------------------------------------------------

  /** What one change wrote. */
  record Cost(
      long records,
      long bytes,
      int partitions,
      double micros,
      long ownMemberRecords,
      int setsEnteredOrLeft,
      int memberPartitions,
      long otherRecords,
      int ips,
      long selectorEvaluations,
      long podsVisited) {}

  static void change(FleetSpec size, int samples) {
    System.out.printf(
        Locale.ROOT,
        "%n## cost per change in steady state: %s, %d partitions%n",
        BenchCluster.describe(size),
        PARTITIONS);
    BenchCluster gen = new BenchCluster(SEED, size);
    ChurnGenerator churn = gen.churn();
    EnginePipeline p = new EnginePipeline(PARTITIONS);
    Map<ObjectKey, List<IpAddress>> podIps = new HashMap<>();
    long t = System.nanoTime();
    for (ChangeEvent e : gen.storeOrder()) {
      ClusterChange c = EnginePipeline.decode(e);
      track(podIps, c);
      p.apply(c);
    }
    System.out.printf(
        Locale.ROOT,
        "loaded in %.1f s; record headers add %d bytes per record (not counted below)%n",
        secs(System.nanoTime() - t),
        EnginePipeline.headerBytes());
    // Warm up the JIT on the change paths (these changes are part of the history, not measured).
    for (int i = 0; i < 200; i++) {
      List<Change> warm =
          new ArrayList<>(
              List.of(
                  churn.podRelabel(),
                  churn.podAddressChange(),
                  churn.podCreate(),
                  churn.podDelete()));
      if (i % 10 == 0) {
        warm.add(churn.namespaceRelabel());
        warm.add(churn.policyEdit());
      }
      for (Change w : warm) {
        ClusterChange c = EnginePipeline.decode(gen.event(w));
        track(podIps, c);
        p.apply(c);
      }
    }
    measure(
        "pod relabel (app+tier)", samples, () -> gen.event(churn.podRelabel()), p, true, podIps);
    measure("pod IP change", samples, () -> gen.event(churn.podAddressChange()), p, true, podIps);
    measure(
        "pod version relabel",
        samples,
        () -> gen.event(churn.podVersionRelabel()),
        p,
        true,
        podIps);
    measure("pod creation", samples, () -> gen.event(churn.podCreate()), p, true, podIps);
    measure("pod deletion", samples, () -> gen.event(churn.podDelete()), p, true, podIps);
    measure(
        "namespace relabel (env)",
        Math.max(10, samples / 4),
        () -> gen.event(churn.namespaceRelabel()),
        p,
        false,
        podIps);
    measure(
        "policy edit",
        Math.max(10, samples / 4),
        () -> gen.event(churn.policyEdit()),
        p,
        false,
        podIps);
  }

  private static void measure(
      String what,
      int samples,
      Supplier<ChangeEvent> next,
      EnginePipeline p,
      boolean pod,
      Map<ObjectKey, List<IpAddress>> podIps) {
    List<Cost> costs = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      ClusterChange change = EnginePipeline.decode(next.get());
      WorkCounters w0 = p.compiler.counters();
      long t = System.nanoTime();
      List<PartitionRouter.Routed> routed = p.apply(change);
      double micros = (System.nanoTime() - t) / 1000.0;
      WorkCounters w = p.compiler.counters().minus(w0);
      // The pod's own entries: its addresses before and after the change.
      Set<IpAddress> ips = new HashSet<>(podIps.getOrDefault(change.key(), List.of()));
      if (pod && change instanceof ClusterChange.Upsert u) {
        ips.addAll(((Pod) u.object()).ips());
      }
      track(podIps, change);
      long records = 0;
      long bytes = 0;
      long own = 0;
      long other = 0;
      Set<Integer> partitions = new TreeSet<>();
      Set<Integer> memberPartitions = new TreeSet<>();
      Set<String> sets = new HashSet<>();
      for (PartitionRouter.Routed r : routed) {
        int n = EnginePipeline.records(r);
        records += n;
        bytes +=
            (long) n
                * (EnginePipeline.keyBytes(r.change()) + EnginePipeline.valueBytes(r.change()));
        partitions.addAll(r.partitions());
        FactKey k = r.change().key();
        if (k instanceof FactKey.Member m && (!pod || ips.contains(m.entry().prefix().address()))) {
          own += n;
          sets.add(m.setId());
          memberPartitions.addAll(r.partitions());
        } else {
          other += n;
        }
      }
      costs.add(
          new Cost(
              records,
              bytes,
              partitions.size(),
              micros,
              own,
              sets.size(),
              memberPartitions.size(),
              other,
              Math.max(1, ips.size()),
              w.selectorEvaluations(),
              w.podsVisited()));
    }
    System.out.printf(
        Locale.ROOT,
        "%-26s n=%-4d records %s | bytes %s | partitions %s | time µs %s%n",
        what,
        samples,
        stats(costs, Cost::records),
        stats(costs, Cost::bytes),
        stats(costs, c -> (long) c.partitions()),
        statsD(costs, Cost::micros));
    System.out.printf(
        Locale.ROOT,
        "%-26s compiler work: selector evaluations %s | pods visited %s%n",
        "",
        stats(costs, Cost::selectorEvaluations),
        stats(costs, Cost::podsVisited));
    if (pod) {
      long totalWithin =
          costs.stream()
              .filter(
                  c ->
                      c.records()
                          <= (long) Math.max(1, c.partitions()) * c.setsEnteredOrLeft() * c.ips())
              .count();
      long within =
          costs.stream()
              .filter(
                  c ->
                      c.ownMemberRecords()
                          <= (long) c.memberPartitions() * c.setsEnteredOrLeft() * c.ips())
              .count();
      System.out.printf(
          Locale.ROOT,
          "%-26s own member records %s | sets entered/left %s | partitions of those %s"
              + " | bound (partitions x sets x IPs) held in %d/%d | other records (bindings, chains, sets pulled into"
              + " a partition) %s; all records within the bound in %d/%d%n",
          "",
          stats(costs, Cost::ownMemberRecords),
          stats(costs, c -> (long) c.setsEnteredOrLeft()),
          stats(costs, c -> (long) c.memberPartitions()),
          within,
          costs.size(),
          stats(costs, Cost::otherRecords),
          totalWithin,
          costs.size());
    }
    System.out.printf(
        Locale.ROOT,
        "RESULT change | %s | records %s | bytes %s | partitions %s | µs %s%n",
        what,
        stats(costs, Cost::records),
        stats(costs, Cost::bytes),
        stats(costs, c -> (long) c.partitions()),
        statsD(costs, Cost::micros));
  }

  private static void track(Map<ObjectKey, List<IpAddress>> podIps, ClusterChange c) {
    if (c instanceof ClusterChange.Upsert u && u.object() instanceof Pod pod) {
      podIps.put(pod.key(), pod.ips());
    } else if (c instanceof ClusterChange.Delete d && d.kind() == Kind.POD) {
      podIps.remove(d.key());
    }
  }

  /** median / p90 / max. */
  private static String stats(List<Cost> costs, java.util.function.ToLongFunction<Cost> f) {
    long[] v = costs.stream().mapToLong(f).sorted().toArray();
    return String.format(
        Locale.ROOT, "%,d/%,d/%,d", v[v.length / 2], v[(int) (v.length * 0.9)], v[v.length - 1]);
  }

  private static String statsD(List<Cost> costs, java.util.function.ToDoubleFunction<Cost> f) {
    double[] v = costs.stream().mapToDouble(f).sorted().toArray();
    return String.format(
        Locale.ROOT,
        "%,.0f/%,.0f/%,.0f",
        v[v.length / 2],
        v[(int) (v.length * 0.9)],
        v[v.length - 1]);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  static double secs(long nanos) {
    return nanos / 1e9;
  }

  static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
