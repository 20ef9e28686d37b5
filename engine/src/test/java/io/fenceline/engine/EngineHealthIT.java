package io.fenceline.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.kafka.health.HealthServer;
import io.fenceline.kafka.topics.EngineProgress;
import io.fenceline.kafka.topics.EventPartitions;
import io.fenceline.kafka.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's {@code /healthz}, {@code /livez} and {@code /metrics} on a real broker: ready once
 * RUNNING, Kafka Streams metrics and fenceline's own in Prometheus form (the dead-letter count
 * moves with dead letters), not ready naming the partition and its lag when processing stops while
 * events wait, ready again when it resumes, and neither ready nor live once closed.
 */
class EngineHealthIT {
  private static final String APP = "engine-health-it";
  private static final String CLUSTER = "c1";
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void publishGarbage(EmbeddedKafka kafka, int n) throws Exception {
    Map<String, Object> p =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < n; i++) {
        producer
            .send(
                new ProducerRecord<>(
                    Topics.EVENTS, CLUSTER, ("not an event " + i).getBytes(StandardCharsets.UTF_8)))
            .get();
      }
    }
  }

  /**
   * The value of the dead-letter total the compile processor's sensor reports (summed over its
   * tags).
   */
  private static double deadLetters(String metrics) {
    Matcher m =
        Pattern.compile("(?m)^kafka_stream_[a-z_]*dead_letter_total\\{[^}]*} ([0-9.E]+)$")
            .matcher(metrics);
    double sum = 0;
    boolean found = false;
    while (m.find()) {
      System.out.println("EngineHealthIT: " + m.group());
      sum += Double.parseDouble(m.group(1));
      found = true;
    }
    return found ? sum : -1;
  }

  @Test
  void readyWhenRunningNotReadyWithTheReasonWhenStuckOrStopped() throws Exception {
    Topics.Layout d = Topics.Layout.defaults();
    int partition = EventPartitions.partitionOf(CLUSTER, 2);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Engine engine =
          Engine.start(
              new EngineConfig(
                  kafka.bootstrapServers(),
                  APP,
                  dir.resolve("engine"),
                  new Topics.Layout(2, 2, d.eventRetentionMs(), d.deadLetterRetentionMs()),
                  Map.of()),
              Duration.ofSeconds(2));
      try (HealthServer server =
          new HealthServer(
              0,
              engine.monitor()::readiness,
              engine.monitor()::liveness,
              engine.monitor()::scrape)) {
        int port = server.port();
        await("ready")
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> get(port, "/healthz").statusCode() == 200);
        assertThat(get(port, "/healthz").body()).isEqualTo("ok\n");
        assertThat(get(port, "/livez").statusCode()).isEqualTo(200);

        publishGarbage(kafka, 3);
        await("dead letters counted")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> deadLetters(get(port, "/metrics").body()) == 3.0);
        String metrics = get(port, "/metrics").body();
        assertThat(metrics)
            .contains(
                "kafka_stream_",
                "fenceline_engine_ready 1.0",
                "fenceline_engine_input_stuck_partitions 0.0");
        await("committed")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () ->
                    EngineProgress.read(admin, APP, Duration.ofSeconds(10))
                        .get(partition)
                        .current());

        // Processing stops while events wait: not ready, naming the partition and its lag.
        engine.streams().pause();
        publishGarbage(kafka, 2);
        await("stuck")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> get(port, "/healthz").statusCode() == 503);
        HttpResponse<String> stuck = get(port, "/healthz");
        assertThat(stuck.body())
            .startsWith(
                "not ready: input partition "
                    + Topics.EVENTS
                    + "-"
                    + partition
                    + " committed 3 of 5 (lag 2): the committed offset has not moved for ");
        assertThat(get(port, "/livez").statusCode())
            .as("a stuck partition is no reason to restart")
            .isEqualTo(200);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    get(port, "/metrics")
                        .body()
                        .contains("fenceline_engine_input_stuck_partitions 1.0"));
        assertThat(get(port, "/metrics").body())
            .contains(
                "fenceline_engine_input_lag{partition=\"" + partition + "\"} 2.0",
                "fenceline_engine_ready 0.0");

        engine.streams().resume();
        await("ready again")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> get(port, "/healthz").statusCode() == 200);
        assertThat(deadLetters(get(port, "/metrics").body())).isEqualTo(5.0);

        engine.close();
        HttpResponse<String> stopped = get(port, "/healthz");
        assertThat(stopped.statusCode()).isEqualTo(503);
        assertThat(stopped.body())
            .isEqualTo("not ready: Kafka Streams state is NOT_RUNNING (not RUNNING)\n");
        assertThat(get(port, "/livez").statusCode()).isEqualTo(503);
      } finally {
        engine.close();
      }
    }
  }
}
