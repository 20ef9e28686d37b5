package io.fenceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.kafka.topics.TopicAdmin;
import io.fenceline.kafka.topics.TopicSpec;
import io.fenceline.kafka.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that refuses an event for good (here {@code fenceline.events} created with a {@code
 * max.message.bytes} below an ordinary pod's event): the publisher does not retry the same
 * transaction forever, it stops at once, once, with a message naming the cluster, the object, its
 * size and Kafka's error, and every path that feeds it (files once, files watched, informers) ends
 * with that error instead of hanging.
 */
class PublisherFatalErrorIT {
  /** Below one pod with many labels, above a namespace or a generation end marker. */
  static final int MAX_MESSAGE_BYTES = 2000;

  private static final Duration FAST = Duration.ofSeconds(30);
  private static EmbeddedKafka kafka;

  @TempDir static Path dir;

  @BeforeAll
  static void broker() {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    createSmallEventsTopic(kafka.bootstrapServers());
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  /** fenceline's topics, {@code fenceline.events} with a small {@code max.message.bytes}. */
  static void createSmallEventsTopic(String bootstrap) {
    List<TopicSpec> specs =
        Topics.Layout.defaults().specs().stream()
            .map(
                s -> {
                  if (!s.name().equals(Topics.EVENTS)) {
                    return s;
                  }
                  Map<String, String> configs = new HashMap<>(s.configs());
                  configs.put("max.message.bytes", Integer.toString(MAX_MESSAGE_BYTES));
                  return new TopicSpec(s.name(), s.partitions(), configs);
                })
            .toList();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicAdmin.ensure(admin, specs);
    }
  }

  /** Labels of random hex (lz4 cannot shrink them much): an event of about 4 KB. */
  static Map<String, String> bulkyLabels() {
    SecureRandom random = new SecureRandom();
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < 60; i++) {
      StringBuilder v = new StringBuilder();
      for (int j = 0; j < 50; j++) {
        v.append(Integer.toHexString(random.nextInt(16)));
      }
      labels.put("l" + i, v.toString());
    }
    return labels;
  }

  static String bulkyPodYaml(String name) {
    StringBuilder sb =
        new StringBuilder(
            """
        apiVersion: v1
        kind: Pod
        metadata:
          name: %s
          namespace: shop
          labels:
        """
                .formatted(name));
    bulkyLabels()
        .forEach((k, v) -> sb.append("    ").append(k).append(": \"").append(v).append("\"\n"));
    return sb.append(
            """
        spec: {nodeName: node-1}
        status: {phase: Running, podIP: 10.0.0.9}
        """)
        .toString();
  }

  private static final String SMALL =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: api-0, namespace: shop, labels: {app: api}}
      spec: {nodeName: node-1}
      status: {phase: Running, podIP: 10.0.0.1}
      """;

  private static void assertNamesTheObject(Throwable t, String cluster, String object) {
    assertThat(t).isInstanceOf(PublisherFailedException.class);
    assertThat(t.getMessage())
        .startsWith(
            "cluster '"
                + cluster
                + "': Kafka at "
                + kafka.bootstrapServers()
                + " refused upsert of Pod "
                + object
                + " (")
        .containsPattern("\\((\\d{4,}) bytes\\)")
        .contains("on topic fenceline.events")
        .contains("RecordTooLargeException")
        .endsWith("the cluster's publisher stopped");
  }

  @Test
  void aRecordTheBrokerRefusesStopsThePublisherAtOnceWithTheObjectAndItsSize() throws Exception {
    Path m = dir.resolve("once");
    Files.createDirectories(m);
    Files.writeString(m.resolve("state.yaml"), SMALL + "---\n" + bulkyPodYaml("bulky-0"));
    try (EventPublisher publisher =
        EventPublisher.start(
            "fatal-once", kafka.bootstrapServers(), IngestMetrics.counting(), Map.of())) {
      ManifestIngest ingest =
          new ManifestIngest(m, "fatal-once", publisher, Clock.systemUTC(), line -> {});
      long started = System.nanoTime();
      assertThatThrownBy(() -> ingest.publishOnce(Duration.ofMinutes(2)))
          .satisfies(t -> assertNamesTheObject(t, "fatal-once", "shop/bulky-0"));
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("fails fast, not after a timeout")
          .isLessThan(FAST);
      assertThat(publisher.failure()).isCompletedExceptionally();
      assertThat(publisher.transactions()).isZero();
    }
  }

  @Test
  void theWatchedFilesPathEndsWithTheError() throws Exception {
    Path m = dir.resolve("watched");
    Files.createDirectories(m);
    Files.writeString(m.resolve("state.yaml"), SMALL);
    try (EventPublisher publisher =
        EventPublisher.start(
            "fatal-watch", kafka.bootstrapServers(), IngestMetrics.counting(), Map.of())) {
      ManifestIngest ingest =
          new ManifestIngest(m, "fatal-watch", publisher, Clock.systemUTC(), line -> {});
      AtomicBoolean stop = new AtomicBoolean();
      CompletableFuture<Void> watching =
          CompletableFuture.runAsync(
              () -> {
                try {
                  ingest.watch(Duration.ofMillis(200), Duration.ofMinutes(2), stop::get);
                } catch (Exception e) {
                  throw new java.util.concurrent.CompletionException(e);
                }
              });
      await()
          .atMost(FAST)
          .until(() -> publisher.transactions() > 0); // the small state went through
      Files.writeString(m.resolve("state.yaml"), SMALL + "---\n" + bulkyPodYaml("bulky-1"));
      try {
        assertThatThrownBy(() -> watching.get(60, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .satisfies(t -> assertNamesTheObject(t.getCause(), "fatal-watch", "shop/bulky-1"));
      } finally {
        stop.set(true);
      }
    }
  }

  @Test
  void theInformerPathEndsWithTheError() throws Exception {
    try (MockCluster c = new MockCluster("fatal-informer")) {
      c.admin
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build())
          .create();
      IngestMetrics metrics = IngestMetrics.counting();
      try (KubernetesClient client = c.server.createClient()) {
        EventPublisher publisher =
            EventPublisher.start(c.id, kafka.bootstrapServers(), metrics, Map.of());
        ClusterIngest ingest =
            ClusterIngest.start(c.id, client, publisher, metrics, Clock.systemUTC());
        try {
          ingest.synced().get(60, TimeUnit.SECONDS);
          await().atMost(FAST).until(() -> publisher.transactions() > 0);
          c.admin
              .pods()
              .inNamespace("shop")
              .resource(
                  new PodBuilder()
                      .withNewMetadata()
                      .withName("bulky-2")
                      .withNamespace("shop")
                      .withLabels(bulkyLabels())
                      .endMetadata()
                      .withNewSpec()
                      .withNodeName("node-1")
                      .endSpec()
                      .withNewStatus()
                      .withPhase("Running")
                      .withPodIP("10.0.0.7")
                      .endStatus()
                      .build())
              .create();
          assertThatThrownBy(() -> ingest.failure().get(60, TimeUnit.SECONDS))
              .isInstanceOf(ExecutionException.class)
              .satisfies(t -> assertNamesTheObject(t.getCause(), "fatal-informer", "shop/bulky-2"));
        } finally {
          ingest.close(Duration.ofSeconds(5));
        }
      }
    }
  }
}
