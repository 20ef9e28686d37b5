package io.fenceline.forensics.bench;

import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.history.ClusterState;
import io.fenceline.core.history.FlowQuery;
import io.fenceline.core.history.FlowReport;
import io.fenceline.forensics.ClusterHistory;
import io.fenceline.forensics.EventLogReader;
import io.fenceline.forensics.Progress;
import io.fenceline.forensics.SnapshotStore;
import io.fenceline.kafka.topics.TopicAdmin;
import io.fenceline.kafka.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Replay speed and query latency on a long history in the real embedded broker (a main, not a
 * test). Publishes {@code events} events of one cluster (default 1,000,000), then measures: a full
 * replay from the first record; writing snapshots every {@code every} records; and queries ({@code
 * explain} at random moments) with and without snapshots. Prints {@code RESULT} lines.
 *
 * <p>Arguments: {@code [events] [every] [queries]}; {@code -Dbench.dir=DIR} keeps the broker's data
 * (a second run with the same dir and size skips publishing).
 */
public final class ReplayBenchmark {
  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
    long every = args.length > 1 ? Long.parseLong(args[1]) : 100_000;
    int queries = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    Path dir =
        Path.of(
            System.getProperty(
                "bench.dir", Files.createTempDirectory("fenceline-replay-bench").toString()));
    BenchHistory gen = new BenchHistory(BenchHistory.SIZE, 42);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
      String bootstrap = kafka.bootstrapServers();
      Instant last = publish(bootstrap, gen, events);
      System.out.printf(
          "history: %,d events of cluster %s from %s to %s%n",
          events, BenchHistory.CLUSTER, BenchHistory.T0, last);

      for (int run = 0; run < 3; run++) {
        try (EventLogReader reader =
            new EventLogReader(bootstrap, Map.of(), BenchHistory.CLUSTER)) {
          ClusterState s = new ClusterState(BenchHistory.CLUSTER, 0);
          long started = System.nanoTime();
          long cpu0 = processCpuNanos();
          reader.replay(s, null, reader.bounds().end(), null, Progress.NONE);
          double secs = (System.nanoTime() - started) / 1e9;
          double cpu = (processCpuNanos() - cpu0) / 1e9;
          System.out.printf(
              "RESULT replay-full run=%d events=%,d objects=%,d seconds=%.2f events_per_s=%,.0f "
                  + "process_cpu_s=%.2f events_per_cpu_s=%,.0f load=%s%n",
              run, s.events(), s.size(), secs, s.events() / secs, cpu, s.events() / cpu, load());
        }
      }

      SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"));
      deleteSnapshots(store.dir());
      long started = System.nanoTime();
      int written;
      try (ClusterHistory h = history(bootstrap, store)) {
        written = h.snapshotToEnd(every).size();
      }
      long bytes =
          Files.walk(store.dir())
              .filter(Files::isRegularFile)
              .mapToLong(p -> p.toFile().length())
              .sum();
      System.out.printf(
          "RESULT snapshots every=%,d written=%d seconds=%.2f bytes_total=%,d%n",
          every, written, (System.nanoTime() - started) / 1e9, bytes);

      Random r = new Random(7);
      List<String> flows = gen.sampleFlows(queries);
      long span = Duration.between(BenchHistory.T0, last).toMillis();
      List<Double> with = new ArrayList<>();
      List<Double> without = new ArrayList<>();
      for (int i = 0; i < queries; i++) {
        Instant at = BenchHistory.T0.plusMillis(span / 10 + (long) (r.nextDouble() * span * 0.9));
        String[] f = flows.get(i).split(" ");
        with.add(query(bootstrap, store, at, f));
        without.add(query(bootstrap, null, at, f));
      }
      report("query-with-snapshots", with);
      report("query-without-snapshots", without);
    }
  }

  /** CPU time of this whole process (every thread, the embedded broker's too). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String load() {
    return String.format(
        "%.1f",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static double query(String bootstrap, SnapshotStore store, Instant at, String[] flow)
      throws Exception {
    long started = System.nanoTime();
    try (ClusterHistory h = history(bootstrap, store)) {
      ClusterHistory.At state = h.at(at);
      FlowReport.of(state.state(), FlowQuery.of(flow[0], flow[1], "8080/TCP"), at, state.unknown());
    }
    return (System.nanoTime() - started) / 1e9;
  }

  private static void report(String name, List<Double> seconds) {
    List<Double> s = new ArrayList<>(seconds);
    Collections.sort(s);
    System.out.printf(
        "RESULT %s queries=%d p50_s=%.2f max_s=%.2f%n",
        name, s.size(), s.get(s.size() / 2), s.get(s.size() - 1));
  }

  private static ClusterHistory history(String bootstrap, SnapshotStore store) {
    return new ClusterHistory(
        bootstrap, Map.of(), BenchHistory.CLUSTER, store, l -> Progress.NONE, Clock.systemUTC());
  }

  private static Instant publish(String bootstrap, BenchHistory gen, long events) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicAdmin.ensure(admin, Topics.Layout.defaults().specs());
    }
    try (EventLogReader reader = new EventLogReader(bootstrap, Map.of(), BenchHistory.CLUSTER)) {
      long have = reader.bounds().end();
      if (have >= events) {
        System.out.printf("history already published (%,d records)%n", have);
        gen.emit(events, e -> {});
        return gen.now();
      }
    }
    long started = System.nanoTime();
    try (KafkaProducer<String, byte[]> p =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                1 << 20,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      gen.emit(
          events,
          e -> p.send(new ProducerRecord<>(Topics.EVENTS, e.cluster(), EventCodec.encode(e))));
      p.flush();
    }
    System.out.printf(
        "published %,d events in %.1f s%n", events, (System.nanoTime() - started) / 1e9);
    return gen.now();
  }

  private static void deleteSnapshots(Path dir) throws Exception {
    if (Files.isDirectory(dir)) {
      try (var files = Files.walk(dir)) {
        files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
