package io.fenceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file source on the real broker and engine. */
class ManifestIngestIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;

  @BeforeAll
  static void environment() {
    ItEnvironment.get();
  }

  private static final String BASE =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: n1}
      status: {addresses: [{type: InternalIP, address: 192.0.2.1}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: api-0, namespace: shop, labels: {app: api}}
      spec: {nodeName: n1, containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]}
      status: {phase: Running, podIP: 10.3.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web-0, namespace: shop, labels: {app: web}}
      spec: {nodeName: n1, containers: [{name: c, image: x}]}
      status: {phase: Running, podIP: 10.3.0.2}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: ignored, namespace: shop}
      """;

  private static final String POLICY =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: allow-web, namespace: shop}
      spec:
        podSelector: {matchLabels: {app: api}}
        ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: http}]}]
      """;

  /** Selects the namespace {@code elsewhere}, which has no pods here. */
  private static final String CLUSTER_POLICY =
      """
      apiVersion: policy.networking.k8s.io/v1alpha2
      kind: ClusterNetworkPolicy
      metadata: {name: deny-elsewhere}
      spec:
        tier: Admin
        priority: 7
        subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: elsewhere}}}
        ingress: [{action: Deny, from: [{namespaces: {}}]}]
      status: {conditions: []}
      """;

  @Test
  void publishesTheFilesAsTheWholeStateAndReturnsOnlyWhenCommitted() throws Exception {
    Files.writeString(dir.resolve("base.yaml"), BASE);
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    Files.writeString(dir.resolve("cluster-policy.yaml"), CLUSTER_POLICY);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (EventPublisher publisher =
            EventPublisher.start(
                "it-m", ItEnvironment.get().bootstrap(), IngestMetrics.counting(), Map.of());
        LogReaders.Events events = new LogReaders.Events();
        LogReaders.Facts facts = new LogReaders.Facts()) {
      ManifestIngest ingest =
          new ManifestIngest(
              dir,
              "it-m",
              publisher,
              Clock.systemUTC(),
              line -> err.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8)));
      ManifestIngest.Published first = ingest.publishOnce(WAIT);
      assertThat(first.objectsByKind())
          .containsEntry("Pod", 2)
          .containsEntry("NetworkPolicy", 1)
          .containsEntry("Namespace", 1)
          .containsEntry("Node", 1)
          .containsEntry("ClusterNetworkPolicy", 1);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .contains(
              "ignored 1 Deployment (fenceline reads Namespace, Pod, NetworkPolicy, Node,"
                  + " ClusterNetworkPolicy)");
      // Returned after the commit: a read_committed reader sees everything at once.
      List<ChangeEvent> log = events.of("it-m");
      assertThat(log).filteredOn(e -> e.type() == EventType.UPSERT).hasSize(6);
      assertThat(log)
          .filteredOn(e -> e.type() == EventType.GENERATION_END)
          .extracting(ChangeEvent::kind)
          .containsExactlyInAnyOrder(
              "Namespace", "Pod", "NetworkPolicy", "Node", "ClusterNetworkPolicy");
      ChangeEvent cnp =
          log.stream()
              .filter(e -> e.type() == EventType.UPSERT && e.kind().equals("ClusterNetworkPolicy"))
              .findFirst()
              .orElseThrow();
      assertThat(cnp.namespace()).isEmpty();
      assertThat(cnp.name()).isEqualTo("deny-elsewhere");
      assertThat(cnp.object().path("spec").path("priority").asInt()).isEqualTo(7);
      assertThat(cnp.object().has("status")).isFalse();
      assertThat(log).allMatch(e -> e.generation() == first.generation());
      await()
          .atMost(WAIT)
          .until(
              () ->
                  facts.bindings("it-m", "n1").contains("shop/api-0")
                      && facts.members("it-m", "n1").stream()
                          .anyMatch(m -> m.startsWith("10.3.0.2")));

      // The policy file goes: the next publication's sweep deletes the policy.
      Files.delete(dir.resolve("policy.yaml"));
      ManifestIngest.Published second = ingest.publishOnce(WAIT);
      assertThat(second.generation()).isGreaterThan(first.generation());
      await().atMost(WAIT).until(() -> facts.bindings("it-m", "n1").isEmpty());

      // A file that does not parse: nothing is published.
      int before = events.of("it-m").size();
      Files.writeString(dir.resolve("broken.yaml"), "kind: Pod\nmetadata: {name: [oops\n");
      assertThatThrownBy(() -> ingest.publishOnce(WAIT))
          .isInstanceOf(ManifestReadException.class)
          .hasMessageStartingWith(dir.resolve("broken.yaml") + ":");
      assertThat(publisher.backlog()).isZero();
      Thread.sleep(300);
      assertThat(events.of("it-m")).hasSize(before);
    }
  }

  private void writeAtomically(Path target, String text) throws Exception {
    Path tmp = dir.resolve(target.getFileName() + ".tmp"); // not *.yaml: the reader skips it
    Files.writeString(tmp, text);
    Files.move(
        tmp,
        target,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void watchRepublishesWhenFilesChange() throws Exception {
    Files.writeString(dir.resolve("base.yaml"), BASE);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    try (EventPublisher publisher =
            EventPublisher.start(
                "it-w", ItEnvironment.get().bootstrap(), IngestMetrics.counting(), Map.of());
        LogReaders.Events events = new LogReaders.Events()) {
      ManifestIngest ingest =
          new ManifestIngest(
              dir,
              "it-w",
              publisher,
              Clock.systemUTC(),
              line -> err.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8)));
      Thread watcher =
          new Thread(
              () -> {
                try {
                  ingest.watch(Duration.ofMillis(200), WAIT, stop::get);
                } catch (Throwable t) {
                  failed.set(t);
                }
              });
      watcher.start();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  events.of("it-w").stream()
                          .filter(e -> e.type() == EventType.GENERATION_END)
                          .count()
                      == 5); // one per kind
      writeAtomically(dir.resolve("base.yaml"), BASE.replace("app: web", "app: web2"));
      await()
          .atMost(WAIT)
          .until(
              () ->
                  events.of("it-w").stream()
                      .anyMatch(
                          e ->
                              e.name().equals("web-0")
                                  && e.object() != null
                                  && e.object()
                                      .path("metadata")
                                      .path("labels")
                                      .path("app")
                                      .asText()
                                      .equals("web2")));
      // A broken edit is reported and not published; fixing it publishes again.
      writeAtomically(dir.resolve("extra.yaml"), "kind: [\n");
      await()
          .atMost(WAIT)
          .until(() -> err.toString(StandardCharsets.UTF_8).contains("not published"));
      writeAtomically(
          dir.resolve("extra.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: extra}\n");
      await()
          .atMost(WAIT)
          .until(() -> events.of("it-w").stream().anyMatch(e -> e.name().equals("extra")));
      stop.set(true);
      watcher.join(10_000);
      assertThat(failed.get()).isNull();
      assertThat(
              events.of("it-w").stream().filter(e -> e.type() == EventType.GENERATION_END).count())
          .isEqualTo(15);
    }
  }
}
