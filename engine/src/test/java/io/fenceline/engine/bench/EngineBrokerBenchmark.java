package io.fenceline.engine.bench;

import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.engine.Engine;
import io.fenceline.engine.EngineConfig;
import io.fenceline.fleet.FleetSpec;
import io.fenceline.kafka.topics.EngineProgress;
import io.fenceline.kafka.topics.TopicAdmin;
import io.fenceline.kafka.topics.TopicSpec;
import io.fenceline.kafka.topics.Topics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The engine alone on a real broker (a main, not a test: tests never assert on time): the embedded
 * KRaft broker in this JVM, a cluster of the fleet generator and a pod churn preloaded into {@code
 * fenceline.events}, then the engine (its production settings: exactly-once v2, RocksDB, 100 ms
 * commits) started on the backlog and timed until its committed offset reaches the end. In the same
 * run, on the same broker, the raw ceiling: a transactional producer writing records of the
 * engine's average size with its settings (linger 100 ms, a commit every 100 ms) and a {@code
 * read_committed} consumer reading them back. Broker, engine and this driver share the JVM and its
 * two cores, as they share the machine in production tests; the process CPU time is printed.
 *
 * <p>Arguments: {@code SIZE EVENTS [--node-facts-partitions N] [--threads N]}, SIZE as {@code
 * pods/policies/nodes} (one cluster).
 */
public final class EngineBrokerBenchmark {
  private static final String APP = "fenceline-bench-engine";

  private EngineBrokerBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    if (args.length < 2) {
      System.err.println(
          "usage: EngineBrokerBenchmark pods/policies/nodes EVENTS [--node-facts-partitions N]"
              + " [--threads N]");
      System.exit(2);
    }
    FleetSpec size = BenchCluster.size(args[0]);
    int events = Integer.parseInt(args[1]);
    int nodeFactPartitions = 12;
    int threads = 1;
    for (int i = 2; i < args.length; i++) {
      switch (args[i]) {
        case "--node-facts-partitions" -> nodeFactPartitions = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    System.out.println(
        "machine: "
            + Runtime.getRuntime().availableProcessors()
            + " cores, "
            + System.getProperty("java.version")
            + "; "
            + loadavg());
    BenchCluster gen = new BenchCluster(42, size);
    List<ChangeEvent> initial = gen.storeOrder();
    List<ChangeEvent> churn = gen.podChurn(events).stream().map(gen::event).toList();
    System.out.printf(
        Locale.ROOT,
        "cluster %s (%d namespaces): %,d objects, then %,d pod events%n",
        BenchCluster.describe(size),
        gen.namespaces(),
        initial.size(),
        churn.size());

    Path dir = Files.createTempDirectory("fenceline-engine-bench");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      String bootstrap = kafka.bootstrapServers();
      Topics.Layout d = Topics.Layout.defaults();
      Topics.Layout layout =
          new Topics.Layout(
              d.eventPartitions(),
              nodeFactPartitions,
              d.eventRetentionMs(),
              d.deadLetterRetentionMs());
      TopicAdmin.ensure(admin, layout.specs());
      long loadEnd = publish(bootstrap, initial);
      long churnEnd = publish(bootstrap, churn);
      System.out.printf(
          Locale.ROOT,
          "preloaded fenceline.events: load up to offset %,d, churn up to %,d%n",
          loadEnd,
          churnEnd);

      // ---- the engine on the backlog ------------------------------------------------------------
      System.out.println("engine start, " + loadavg());
      long cpu0 = processCpuNanos();
      long t0 = System.nanoTime();
      long loadNanos = -1;
      long[] outAtLoad = null;
      long cpuAtLoad = 0;
      try (Engine engine =
          Engine.start(
              new EngineConfig(
                  bootstrap, APP, dir.resolve("state"), layout, Map.of(), threads, 0, null))) {
        while (true) {
          long committed = committed(admin);
          if (loadNanos < 0 && committed >= loadEnd) {
            loadNanos = System.nanoTime() - t0;
            outAtLoad = output(admin, layout);
            cpuAtLoad = processCpuNanos();
          }
          if (committed >= churnEnd) {
            break;
          }
          if (System.nanoTime() - t0 > Duration.ofMinutes(30).toNanos()) {
            throw new IllegalStateException(
                "the engine did not drain the backlog in 30 minutes: committed "
                    + committed
                    + " of "
                    + churnEnd
                    + ", state "
                    + engine.state());
          }
          Thread.sleep(100);
        }
      }
      long totalNanos = System.nanoTime() - t0;
      long cpu = processCpuNanos() - cpu0;
      long[] out = output(admin, layout);
      double churnSecs = (totalNanos - loadNanos) / 1e9;
      long churnRecords = out[0] - outAtLoad[0];
      long[] all = sizeOf(bootstrap, factPartitions(layout));
      double avgBytes = all[1] / (double) Math.max(1, all[0]);
      System.out.printf(
          Locale.ROOT,
          "output in all: %,d records (offsets %,d: the rest are commit markers),"
              + " %,d bytes key+value, avg %.0f%n",
          all[0],
          out[0],
          all[1],
          avgBytes);
      System.out.println("engine done, " + loadavg());
      System.out.printf(
          Locale.ROOT,
          "engine load: %,d objects in %.1f s (%,.0f events/s), %,d records written (%,d to"
              + " node-facts, %,d to set-members)%n",
          initial.size(),
          loadNanos / 1e9,
          initial.size() / (loadNanos / 1e9),
          outAtLoad[0],
          outAtLoad[2],
          outAtLoad[3]);
      System.out.printf(
          Locale.ROOT,
          "engine churn: %,d pod events in %.1f s = %,.0f events/s; %,d records (%.2f per event: %,d"
              + " node-facts, %,d set-members; offsets, markers included), %,.0f records/s; process CPU"
              + " %.1f s for the churn (%.2f cores), %.1f s in all%n",
          churn.size(),
          churnSecs,
          churn.size() / churnSecs,
          churnRecords,
          churnRecords / (double) churn.size(),
          out[2] - outAtLoad[2],
          out[3] - outAtLoad[3],
          churnRecords / churnSecs,
          (cpu0 + cpu - cpuAtLoad) / 1e9,
          (cpu0 + cpu - cpuAtLoad) / 1e9 / churnSecs,
          cpu / 1e9);

      // ---- the raw ceiling of the same broker ------------------------------------------------
      int recordBytes = (int) Math.max(64, Math.round(avgBytes));
      System.out.println("ceiling start, " + loadavg());
      double[] ceiling = ceiling(admin, bootstrap, nodeFactPartitions, recordBytes, 1_000_000);
      System.out.println("ceiling done, " + loadavg());
      System.out.printf(
          Locale.ROOT,
          "ceiling: transactional producer (linger 100 ms, commit every 100 ms, %d-byte records, %d"
              + " partitions): %,.0f records/s; read_committed consumer: %,.0f records/s%n",
          recordBytes,
          nodeFactPartitions,
          ceiling[0],
          ceiling[1]);
      double eventCeiling = ceiling[0] / Math.max(1e-9, churnRecords / (double) churn.size());
      System.out.printf(
          Locale.ROOT,
          "RESULT engine-broker | %s | %d node-facts partitions, %d thread(s) | %,.0f pod events/s |"
              + " %.2f records/event | engine writes %,.0f records/s = %.2f of the producer ceiling |"
              + " event ceiling at this output %,.0f/s (engine at %.2f of it)%n",
          BenchCluster.describe(size),
          nodeFactPartitions,
          threads,
          churn.size() / churnSecs,
          churnRecords / (double) churn.size(),
          churnRecords / churnSecs,
          churnRecords / churnSecs / ceiling[0],
          eventCeiling,
          churn.size() / churnSecs / eventCeiling);
    } finally {
      deleteTree(dir);
    }
  }

  /** Publishes events as ingest does (key = cluster, transactional); returns the end offset. */
  private static long publish(String bootstrap, List<ChangeEvent> events) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-ingest");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20);
    long last = -1;
    try (KafkaProducer<String, byte[]> p =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      p.initTransactions();
      for (int i = 0; i < events.size(); i += 5_000) {
        p.beginTransaction();
        List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent =
            new ArrayList<>();
        for (ChangeEvent e : events.subList(i, Math.min(events.size(), i + 5_000))) {
          sent.add(p.send(new ProducerRecord<>(Topics.EVENTS, e.cluster(), EventCodec.encode(e))));
        }
        p.commitTransaction();
        try {
          last = sent.get(sent.size() - 1).get().offset();
        } catch (Exception ex) {
          throw new IllegalStateException(ex);
        }
      }
    }
    return last + 2; // one past the last event and its commit marker: where the engine commits to
  }

  /** The engine's committed offset on the cluster's events partition (the only one with events). */
  private static long committed(Admin admin) throws Exception {
    long max = 0;
    for (EngineProgress.Partition p : EngineProgress.read(admin, APP, Duration.ofSeconds(30))) {
      if (p.committed() != null) {
        max = Math.max(max, p.committed());
      }
    }
    return max;
  }

  /**
   * Offsets reached so far (records plus one commit marker per transaction and partition): {total,
   * unused, node-facts, set-members}.
   */
  private static long[] output(Admin admin, Topics.Layout layout) throws Exception {
    Map<TopicPartition, OffsetSpec> want = new HashMap<>();
    for (int p = 0; p < layout.nodeFactPartitions(); p++) {
      want.put(new TopicPartition(Topics.NODE_FACTS, p), OffsetSpec.latest());
    }
    for (int p = 0; p < layout.eventPartitions(); p++) {
      want.put(new TopicPartition(Topics.SET_MEMBERS, p), OffsetSpec.latest());
    }
    long nodeFacts = 0;
    long sets = 0;
    for (var e :
        admin
            .listOffsets(want, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
            .all()
            .get()
            .entrySet()) {
      if (e.getKey().topic().equals(Topics.NODE_FACTS)) {
        nodeFacts += e.getValue().offset();
      } else {
        sets += e.getValue().offset();
      }
    }
    return new long[] {nodeFacts + sets, 0, nodeFacts, sets};
  }

  /** Every partition of both fact topics. */
  private static java.util.Set<TopicPartition> factPartitions(Topics.Layout layout) {
    java.util.Set<TopicPartition> out = new java.util.HashSet<>();
    for (int p = 0; p < layout.nodeFactPartitions(); p++) {
      out.add(new TopicPartition(Topics.NODE_FACTS, p));
    }
    for (int p = 0; p < layout.eventPartitions(); p++) {
      out.add(new TopicPartition(Topics.SET_MEMBERS, p));
    }
    return out;
  }

  /**
   * {records, key + value bytes} of every committed record of the partitions (one read_committed
   * pass).
   */
  private static long[] sizeOf(String bootstrap, java.util.Set<TopicPartition> partitions) {
    long bytes = 0;
    long records = 0;
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                50_000),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>(partitions);
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          bytes += Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize());
          records++;
        }
      }
    }
    return new long[] {records, bytes};
  }

  /**
   * The broker's raw ceiling: {@code count} records of {@code bytes} through a transactional
   * producer with the engine's settings, round robin over {@code partitions}, then read back {@code
   * read_committed}; records per second of each.
   */
  private static double[] ceiling(
      Admin admin, String bootstrap, int partitions, int bytes, int count) throws Exception {
    TopicAdmin.ensure(admin, List.of(new TopicSpec("bench.ceiling", partitions, Map.of())));
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-ceiling");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 100);
    byte[] value = new byte[Math.max(1, bytes - 40)];
    java.util.Arrays.fill(value, (byte) 'x');
    long t0 = System.nanoTime();
    try (KafkaProducer<String, byte[]> p =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      p.initTransactions();
      p.beginTransaction();
      long commitAt = System.nanoTime() + 100_000_000L;
      for (int i = 0; i < count; i++) {
        p.send(
            new ProducerRecord<>(
                "bench.ceiling",
                i % partitions,
                String.format(Locale.ROOT, "c00/member/%032d", i),
                value));
        if (System.nanoTime() >= commitAt) {
          p.commitTransaction();
          p.beginTransaction();
          commitAt = System.nanoTime() + 100_000_000L;
        }
      }
      p.commitTransaction();
    }
    double produce = count / ((System.nanoTime() - t0) / 1e9);
    long t1 = System.nanoTime();
    long read = 0;
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> tps =
          Stream.iterate(0, i -> i + 1)
              .limit(partitions)
              .map(i -> new TopicPartition("bench.ceiling", i))
              .toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      while (read < count) {
        read += c.poll(Duration.ofMillis(200)).count();
      }
    }
    double consume = read / ((System.nanoTime() - t1) / 1e9);
    return new double[] {produce, consume};
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String loadavg() {
    try {
      return "loadavg " + Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException e) {
      return "loadavg ?";
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
