package io.fenceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fenceline ingest}'s /metrics on the real broker: the publisher's Kafka producer metrics
 * and ingest's counts.
 */
class IngestMonitorIT {
  @TempDir Path dir;

  @Test
  void producerMetricsAndIngestCountsAreExported() throws Exception {
    Files.writeString(
        dir.resolve("state.yaml"),
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: api-0, namespace: shop, labels: {app: api}}
        spec: {nodeName: n1}
        status: {phase: Running, podIP: 10.9.0.1}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: api-1, namespace: shop, labels: {app: api}}
        spec: {nodeName: n1}
        status: {phase: Running, podIP: 10.9.0.2}
        """);
    try (IngestMonitor monitor = new IngestMonitor();
        EventPublisher publisher =
            monitor.startPublisher("it-metrics", ItEnvironment.get().bootstrap(), Map.of())) {
      new ManifestIngest(dir, "it-metrics", publisher, Clock.systemUTC(), line -> {})
          .publishOnce(Duration.ofSeconds(60));
      // Pod: two objects and the generation's end marker.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(monitor.scrape())
                      .contains(
                          "fenceline_ingest_published_events_total{cluster=\"it-metrics\",kind=\"Pod\"} 3.0",
                          "fenceline_ingest_generation{cluster=\"it-metrics\",kind=\"Pod\"}")
                      .containsPattern("kafka_producer_[a-z_]+\\{[^}]*cluster=\"it-metrics\"")
                      .containsPattern(
                          "kafka_producer_record_send_total\\{[^}]*cluster=\"it-metrics\"[^}]*} [1-9]"));
      assertThat(monitor.metrics().snapshot().publishedTotal("it-metrics"))
          .isGreaterThanOrEqualTo(3);
      // A cluster without the ClusterNetworkPolicy CRD, then with it.
      monitor.metrics().kindServed("it-metrics", "ClusterNetworkPolicy", false);
      assertThat(monitor.scrape())
          .contains(
              "fenceline_ingest_kind_served{cluster=\"it-metrics\",kind=\"ClusterNetworkPolicy\"} 0.0");
      monitor.metrics().kindServed("it-metrics", "ClusterNetworkPolicy", true);
      assertThat(monitor.scrape())
          .contains(
              "fenceline_ingest_kind_served{cluster=\"it-metrics\",kind=\"ClusterNetworkPolicy\"} 1.0");
      assertThat(monitor.metrics().snapshot().served())
          .containsEntry("it-metrics/ClusterNetworkPolicy", true);
    }
  }
}
