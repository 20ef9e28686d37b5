package io.fenceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventType;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ClusterNetworkPolicies (policy.networking.k8s.io/v1alpha2, a CRD) from fabric8's mock API server
 * in CRUD mode, on the real embedded broker: watched like every other kind where the cluster serves
 * them; a cluster without the CRD (404) is reported once and ingested without them.
 */
class ClusterPolicyIngestIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String CNP = "ClusterNetworkPolicy";
  private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();
  private static final String NOT_SERVED =
      ": the API server does not serve clusternetworkpolicies.policy.networking.k8s.io/v1alpha2";

  @BeforeAll
  static void environment() {
    ItEnvironment.get();
  }

  private static boolean has(List<ChangeEvent> events, Predicate<ChangeEvent> p) {
    return events.stream().anyMatch(p);
  }

  private static Predicate<ChangeEvent> is(EventType type, String kind, String name) {
    return e -> e.type() == type && e.kind().equals(kind) && e.name().equals(name);
  }

  private static long generationEnd(List<ChangeEvent> events, String kind) {
    return events.stream()
        .filter(e -> e.type() == EventType.GENERATION_END && e.kind().equals(kind))
        .mapToLong(ChangeEvent::generation)
        .max()
        .orElse(-1);
  }

  private static ChangeEvent last(List<ChangeEvent> events, Predicate<ChangeEvent> p) {
    return events.stream().filter(p).reduce((a, b) -> b).orElseThrow();
  }

  /** The spec as the API server holds it, in the API's JSON. */
  private static JsonNode spec(GenericKubernetesResource o) throws Exception {
    return SlimObjects.JSON.readTree(FABRIC8.asJson(o)).path("spec");
  }

  @Test
  void clusterPoliciesArePublishedLikeEveryOtherKind() throws Exception {
    IngestMetrics metrics = IngestMetrics.counting();
    try (MockCluster c = new MockCluster("it-cnp-a");
        LogReaders.Events events = new LogReaders.Events()) {
      c.serveClusterNetworkPolicies();
      c.admin.namespaces().resource(Fixtures.namespace("shop", Map.of())).create();
      GenericKubernetesResource denyX =
          c.clusterPolicies().resource(Fixtures.clusterPolicy("deny-x", 10)).create();
      c.clusterPolicies().resource(Fixtures.clusterPolicy("gone-later", 30)).create();
      long firstGeneration;
      try (MockCluster.Ingest ingest = c.ingest(metrics)) {
        ingest.ingest.synced().get(30, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> generationEnd(events.of("it-cnp-a"), CNP) > 0);
        firstGeneration = generationEnd(events.of("it-cnp-a"), CNP);

        // The initial list: each policy once, in the list's generation, cluster-scoped, slim.
        List<ChangeEvent> initial = events.of("it-cnp-a");
        assertThat(initial)
            .filteredOn(e -> e.type() == EventType.UPSERT && e.kind().equals(CNP))
            .extracting(ChangeEvent::displayName)
            .containsExactlyInAnyOrder("deny-x", "gone-later");
        ChangeEvent listed = last(initial, is(EventType.UPSERT, CNP, "deny-x"));
        assertThat(listed.namespace()).isEmpty();
        assertThat(listed.generation()).isEqualTo(firstGeneration);
        assertThat(listed.uid()).isEqualTo(denyX.getMetadata().getUid());
        assertThat(listed.resourceVersion()).isEqualTo(denyX.getMetadata().getResourceVersion());
        assertThat(listed.object().path("apiVersion").asText())
            .isEqualTo("policy.networking.k8s.io/v1alpha2");
        assertThat(listed.object().path("kind").asText()).isEqualTo(CNP);
        assertThat(listed.object().path("spec")).isEqualTo(spec(denyX));
        assertThat(listed.object().has("status")).as("status is dropped").isFalse();
        assertThat(listed.object().path("metadata").has("managedFields")).isFalse();
        assertThat(listed.object().path("metadata").has("annotations")).isFalse();
        assertThat(listed.object().path("metadata").path("labels").path("team").asText())
            .isEqualTo("net");

        // Create: published in the current generation.
        GenericKubernetesResource late =
            c.clusterPolicies().resource(Fixtures.clusterPolicy("late", 20)).create();
        await()
            .atMost(WAIT)
            .until(() -> has(events.of("it-cnp-a"), is(EventType.UPSERT, CNP, "late")));
        ChangeEvent created = last(events.of("it-cnp-a"), is(EventType.UPSERT, CNP, "late"));
        assertThat(created.generation()).isEqualTo(firstGeneration);
        assertThat(created.object().path("spec")).isEqualTo(spec(late));

        // Update: the new spec is published whole.
        GenericKubernetesResource updated =
            c.clusterPolicies()
                .withName("deny-x")
                .edit(
                    p -> {
                      @SuppressWarnings("unchecked")
                      Map<String, Object> spec =
                          (Map<String, Object>) p.getAdditionalProperties().get("spec");
                      spec.put("priority", 5);
                      spec.put("tier", "Baseline");
                      return p;
                    });
        await()
            .atMost(WAIT)
            .until(
                () ->
                    has(
                        events.of("it-cnp-a"),
                        e ->
                            is(EventType.UPSERT, CNP, "deny-x").test(e)
                                && e.object().path("spec").path("priority").asInt() == 5));
        ChangeEvent update = last(events.of("it-cnp-a"), is(EventType.UPSERT, CNP, "deny-x"));
        assertThat(update.object().path("spec")).isEqualTo(spec(updated));
        assertThat(update.object().path("spec").path("tier").asText()).isEqualTo("Baseline");
        assertThat(update.generation()).isEqualTo(firstGeneration);

        // A status-only change publishes nothing.
        c.clusterPolicies()
            .withName("deny-x")
            .edit(
                p -> {
                  p.setAdditionalProperty(
                      "status", Map.of("conditions", List.of(Map.of("type", "Progressing"))));
                  return p;
                });
        await()
            .atMost(WAIT)
            .until(() -> metrics.snapshot().suppressed().getOrDefault("it-cnp-a/" + CNP, 0L) >= 1);

        // Delete: a DELETE with no namespace.
        c.clusterPolicies().withName("late").delete();
        await()
            .atMost(WAIT)
            .until(() -> has(events.of("it-cnp-a"), is(EventType.DELETE, CNP, "late")));
        ChangeEvent deleted = last(events.of("it-cnp-a"), is(EventType.DELETE, CNP, "late"));
        assertThat(deleted.namespace()).isEmpty();
        assertThat(deleted.object()).isNull();
        assertThat(deleted.generation()).isEqualTo(firstGeneration);

        ingest.publisher.awaitCommitted(WAIT);
        assertThat(events.of("it-cnp-a"))
            .filteredOn(is(EventType.UPSERT, CNP, "deny-x"))
            .as("the initial list and the update; not the status change")
            .hasSize(2);
        IngestMetrics.Snapshot s = metrics.snapshot();
        assertThat(s.published()).containsKey("it-cnp-a/" + CNP);
        assertThat(s.lastGeneration()).containsEntry("it-cnp-a/" + CNP, firstGeneration);
        assertThat(s.served()).containsExactly(Map.entry("it-cnp-a/" + CNP, true));
        assertThat(ingest.ingest.isWatching()).isTrue();
        assertThat(events.keyMismatches).isEmpty();
      }

      // While nobody watches, gone-later goes: the next ingest's generation sweeps it, no DELETE.
      c.clusterPolicies().withName("gone-later").delete();
      try (MockCluster.Ingest ingest = c.ingest(IngestMetrics.counting())) {
        await()
            .atMost(WAIT)
            .until(() -> generationEnd(events.of("it-cnp-a"), CNP) > firstGeneration);
        long second = generationEnd(events.of("it-cnp-a"), CNP);
        List<ChangeEvent> after =
            events.of("it-cnp-a").stream()
                .filter(e -> e.kind().equals(CNP) && e.generation() == second)
                .toList();
        assertThat(after)
            .extracting(e -> e.type() + ":" + e.name())
            .containsExactly("UPSERT:deny-x", "GENERATION_END:");
        assertThat(events.of("it-cnp-a")).noneMatch(is(EventType.DELETE, CNP, "gone-later"));
      }
    }
  }

  @Test
  void aClusterWithoutTheCrdIsReportedOnceAndTheOtherKindsGoOn() throws Exception {
    IngestMetrics metrics = IngestMetrics.counting();
    try (MockCluster c = new MockCluster("it-cnp-b");
        LogReaders.Events events = new LogReaders.Events();
        StandardErrorCopy err = new StandardErrorCopy()) {
      c.withoutClusterNetworkPolicies(0);
      c.admin.namespaces().resource(Fixtures.namespace("shop", Map.of())).create();
      c.admin
          .pods()
          .inNamespace("shop")
          .resource(Fixtures.pod("shop", "api-0", Map.of("app", "api"), "n1", "10.244.1.10"))
          .create();
      c.admin
          .network()
          .v1()
          .networkPolicies()
          .inNamespace("shop")
          .resource(Fixtures.policy("shop", "allow-web"))
          .create();
      try (MockCluster.Ingest ingest = c.ingest(metrics, Duration.ofMillis(100))) {
        ingest.ingest.synced().get(30, TimeUnit.SECONDS);
        await()
            .atMost(WAIT)
            .until(
                () ->
                    List.of("Namespace", "Node", "Pod", "NetworkPolicy", CNP).stream()
                        .allMatch(k -> generationEnd(events.of("it-cnp-b"), k) > 0));
        assertThat(events.of("it-cnp-b"))
            .filteredOn(e -> e.type() == EventType.UPSERT)
            .extracting(e -> e.kind() + " " + e.displayName())
            .containsExactlyInAnyOrder(
                "Namespace shop", "Pod shop/api-0", "NetworkPolicy shop/allow-web");

        // Asked again every 100 ms and still not served: reported once all the same.
        Thread.sleep(1_500);
        assertThat(err.lines())
            .filteredOn(l -> l.contains("cluster it-cnp-b" + NOT_SERVED))
            .singleElement()
            .satisfies(
                l ->
                    assertThat(l)
                        .contains("WARN")
                        .contains("the ClusterNetworkPolicy CRD is not installed"));
        assertThat(metrics.snapshot().served())
            .containsExactly(Map.entry("it-cnp-b/" + CNP, false));
        // The empty state of the kind was published once: a generation end with no objects.
        assertThat(events.of("it-cnp-b"))
            .filteredOn(e -> e.kind().equals(CNP))
            .extracting(ChangeEvent::type)
            .containsExactly(EventType.GENERATION_END);

        // Ingest goes on: changes of the other kinds are published, heartbeats may be sent.
        c.admin
            .pods()
            .inNamespace("shop")
            .resource(Fixtures.pod("shop", "web-0", Map.of("app", "web"), "n1", "10.244.1.11"))
            .create();
        c.admin.network().v1().networkPolicies().inNamespace("shop").withName("allow-web").delete();
        await()
            .atMost(WAIT)
            .until(
                () ->
                    has(events.of("it-cnp-b"), is(EventType.UPSERT, "Pod", "web-0"))
                        && has(
                            events.of("it-cnp-b"),
                            is(EventType.DELETE, "NetworkPolicy", "allow-web")));
        assertThat(ingest.ingest.failure()).isNotDone();
        await().atMost(WAIT).until(ingest.ingest::isWatching);
      }
    }
  }

  @Test
  void aCrdInstalledLaterIsWatchedFromThen() throws Exception {
    IngestMetrics metrics = IngestMetrics.counting();
    try (MockCluster c = new MockCluster("it-cnp-c");
        LogReaders.Events events = new LogReaders.Events()) {
      c.withoutClusterNetworkPolicies(2); // the first two lists: 404; then the CRD is there
      c.serveClusterNetworkPolicies();
      c.admin.namespaces().resource(Fixtures.namespace("shop", Map.of())).create();
      try (MockCluster.Ingest ingest = c.ingest(metrics, Duration.ofMillis(200))) {
        ingest.ingest.synced().get(30, TimeUnit.SECONDS);
        await()
            .atMost(WAIT)
            .until(
                () ->
                    metrics.snapshot().served().getOrDefault("it-cnp-c/" + CNP, false)
                        && ingest.ingest.isWatching());
        long notServed =
            events.of("it-cnp-c").stream()
                .filter(is(EventType.GENERATION_END, CNP, ""))
                .mapToLong(ChangeEvent::generation)
                .min()
                .orElseThrow();
        await().atMost(WAIT).until(() -> generationEnd(events.of("it-cnp-c"), CNP) > notServed);
        c.clusterPolicies().resource(Fixtures.clusterPolicy("deny-x", 10)).create();
        await()
            .atMost(WAIT)
            .until(() -> has(events.of("it-cnp-c"), is(EventType.UPSERT, CNP, "deny-x")));
        assertThat(last(events.of("it-cnp-c"), is(EventType.UPSERT, CNP, "deny-x")).generation())
            .isEqualTo(generationEnd(events.of("it-cnp-c"), CNP));
      }
    }
  }

  @Test
  void aRoleWithoutClusterNetworkPoliciesFailsIngestAsForAnyKind() throws Exception {
    try (MockCluster c = new MockCluster("it-cnp-d")) {
      c.server
          .expect()
          .get()
          .withPath("/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies?limit=1")
          .andReturn(403, "forbidden")
          .always();
      try (MockCluster.Ingest ingest = c.ingest(IngestMetrics.counting())) {
        await().atMost(WAIT).until(() -> ingest.ingest.failure().isDone());
        assertThat(ingest.ingest.failure().handle((v, t) -> t).get())
            .hasMessageContaining("cluster it-cnp-d")
            .hasMessageContaining(
                "cannot list clusternetworkpolicies.policy.networking.k8s.io/v1alpha2");
        assertThat(ingest.ingest.synced()).isNotDone();
      }
    }
  }

  /** Copies what is written to System.err (where slf4j-simple logs) while open. */
  private static final class StandardErrorCopy extends OutputStream implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    StandardErrorCopy() {
      System.setErr(new PrintStream(this, true, StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void write(int b) {
      original.write(b);
      copy.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      original.write(b, off, len);
      copy.write(b, off, len);
    }

    synchronized List<String> lines() {
      return copy.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Override
    public void close() {
      System.setErr(original);
    }
  }
}
