package io.fenceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The figures the issue asks for: events/s published (committed) to the real broker, and the share
 * of suppressed updates on a churn of status-only pod updates from the mock API server. Printed and
 * written to target/ingest-measurements.txt.
 */
class IngestThroughputIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @BeforeAll
  static void environment() {
    ItEnvironment.get();
  }

  private static void report(String line) throws IOException {
    System.err.println("MEASURED " + line);
    Files.writeString(
        Path.of("target", "ingest-measurements.txt"),
        line + System.lineSeparator(),
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  @Test
  void publisherThroughputOnTheRealBroker() throws Exception {
    int n = 20_000;
    List<ChangeEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Pod p =
          Fixtures.pod(
              "bench",
              "pod-" + i,
              Map.of("app", "a" + (i % 50)),
              "n" + (i % 100),
              "10." + (i / 65536) + "." + (i / 256 % 256) + "." + (i % 256));
      events.add(SlimObjects.of(p).upsert("it-bench", Instant.now(), 1));
    }
    IngestMetrics metrics = IngestMetrics.counting();
    try (EventPublisher pub =
        EventPublisher.start("it-bench", ItEnvironment.get().bootstrap(), metrics, Map.of())) {
      pub.publish(
          ChangeEvent.generationEnd(
              "it-bench", "Namespace", Instant.now(), 1)); // warm-up: producer id, metadata
      assertThat(pub.awaitCommitted(WAIT)).isTrue();
      long t0 = System.nanoTime();
      events.forEach(pub::publish);
      assertThat(pub.awaitCommitted(WAIT)).isTrue();
      double seconds = (System.nanoTime() - t0) / 1e9;
      report(
          String.format(
              "publisher: %d distinct pod upserts committed in %.2f s = %.0f events/s (%d transactions)",
              n, seconds, n / seconds, pub.transactions() - 1));
      assertThat(metrics.snapshot().published()).containsEntry("it-bench/Pod", (long) n);

      // The informer side of the same pods: status-only updates go through the slim form and the
      // change detector and are dropped; every 20th update relabels and is published.
      KindHandler<Pod> handler =
          new KindHandler<Pod>(
              "it-bench",
              io.fenceline.core.model.Kind.POD,
              pub::publish,
              new ChangeDetector(),
              new Generations(java.time.Clock.systemUTC()),
              new ObservedClock(java.time.Clock.systemUTC()),
              metrics);
      List<Pod> pods = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        Pod p =
            Fixtures.pod(
                "bench",
                "pod-" + i,
                Map.of("app", "a"),
                "n1",
                "10.9." + (i / 256) + "." + (i % 256));
        handler.onAdd(p);
        pods.add(p);
      }
      assertThat(pub.awaitCommitted(WAIT)).isTrue();
      long published = metrics.snapshot().publishedTotal("it-bench");
      int updates = 40_000;
      long t1 = System.nanoTime();
      for (int u = 0; u < updates; u++) {
        Pod p = pods.get(u % pods.size());
        Pod next = new io.fabric8.kubernetes.api.model.PodBuilder(p).build();
        next.getMetadata().setResourceVersion(Integer.toString(u));
        if (u % 20 == 19) {
          next.getMetadata().setLabels(Map.of("app", "a", "rev", Integer.toString(u)));
        } else {
          next.getStatus().getContainerStatuses().get(0).setRestartCount(u);
        }
        handler.onUpdate(p, next);
        pods.set(u % pods.size(), next);
      }
      assertThat(pub.awaitCommitted(WAIT)).isTrue();
      double s2 = (System.nanoTime() - t1) / 1e9;
      long suppressed = metrics.snapshot().suppressedTotal("it-bench");
      long sent = metrics.snapshot().publishedTotal("it-bench") - published;
      report(
          String.format(
              "informer path: %d pod updates (95%% status-only) handled and committed in %.2f s = %.0f updates/s;"
                  + " %d suppressed (%.1f%%), %d events published",
              updates, s2, updates / s2, suppressed, 100.0 * suppressed / updates, sent));
      assertThat(suppressed).isEqualTo(updates - updates / 20);
      assertThat(sent).isPositive().isLessThanOrEqualTo(updates / 20);
    }
  }

  @Test
  void statusChurnIsSuppressed() throws Exception {
    int pods = 200;
    int updates = 1_000;
    int realEvery = 20;
    IngestMetrics metrics = IngestMetrics.counting();
    try (MockCluster c = new MockCluster("it-churn");
        LogReaders.Events events = new LogReaders.Events()) {
      c.admin.namespaces().resource(Fixtures.namespace("churn", Map.of())).create();
      for (int i = 0; i < pods; i++) {
        c.admin
            .pods()
            .inNamespace("churn")
            .resource(
                Fixtures.pod(
                    "churn",
                    "p" + i,
                    Map.of("app", "a"),
                    "n1",
                    "10.7." + (i / 256) + "." + (i % 256)))
            .create();
      }
      try (MockCluster.Ingest ingest = c.ingest(metrics)) {
        await()
            .atMost(WAIT)
            .until(
                () ->
                    events.of("it-churn").stream()
                        .anyMatch(
                            e -> e.type() == EventType.GENERATION_END && e.kind().equals("Pod")));
        int initial = events.of("it-churn").size();
        long t0 = System.nanoTime();
        int real = 0;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
          List<Future<?>> done = new ArrayList<>();
          for (int u = 0; u < updates; u++) {
            String name = "p" + (u % pods);
            boolean change = u % realEvery == realEvery - 1;
            if (change) {
              real++;
            }
            int k = u;
            done.add(
                pool.submit(
                    () -> {
                      if (change) {
                        c.admin
                            .pods()
                            .inNamespace("churn")
                            .withName(name)
                            .edit(
                                p -> {
                                  p.getMetadata().getLabels().put("rev", Integer.toString(k));
                                  return p;
                                });
                      } else {
                        c.admin
                            .pods()
                            .inNamespace("churn")
                            .withName(name)
                            .editStatus(
                                p -> {
                                  p.getStatus()
                                      .setConditions(
                                          List.of(
                                              new PodConditionBuilder()
                                                  .withType("Ready")
                                                  .withStatus(k % 2 == 0 ? "True" : "False")
                                                  .withLastProbeTime(Instant.now().toString())
                                                  .build()));
                                  p.getStatus().getContainerStatuses().get(0).setRestartCount(k);
                                  return p;
                                });
                      }
                    }));
          }
          for (Future<?> f : done) {
            f.get();
          }
        } finally {
          pool.shutdown();
        }
        int expectedReal = real;
        long statusOnly = updates - real;
        // Done when every status update was seen (and dropped) and every label change is in the log
        // (or was coalesced into a later one of the same pod before it was sent).
        await()
            .atMost(WAIT)
            .until(
                () ->
                    metrics.snapshot().suppressed().getOrDefault("it-churn/Pod", 0L) >= statusOnly
                        && events.of("it-churn").size()
                                - initial
                                + metrics.snapshot().coalesced().getOrDefault("it-churn", 0L)
                            >= expectedReal);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long suppressed = metrics.snapshot().suppressed().getOrDefault("it-churn/Pod", 0L);
        long published = events.of("it-churn").size() - initial;
        long coalesced = metrics.snapshot().coalesced().getOrDefault("it-churn", 0L);
        report(
            String.format(
                "churn: %d pod updates (%d status-only, %d label changes) in %.2f s from the mock API server:"
                    + " %d suppressed (%.1f%% of all updates), %d events published, %d coalesced",
                updates,
                statusOnly,
                expectedReal,
                seconds,
                suppressed,
                100.0 * suppressed / updates,
                published,
                coalesced));
        assertThat(suppressed).isEqualTo(statusOnly);
        assertThat(published).isBetween(1L, (long) expectedReal);
        assertThat(published + coalesced).isEqualTo(expectedReal);
      }
    }
  }
}
