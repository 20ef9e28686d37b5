package io.fenceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Ingest against fabric8's mock API server in CRUD mode (real lists and watches), a real embedded
 * broker and the real engine: what happens in the API server reaches fenceline.node-facts.
 */
class ClusterIngestIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @BeforeAll
  static void environment() {
    ItEnvironment.get();
  }

  /** shop: api-0 (app=api, n1) is isolated by allow-web, which admits web-0 (app=web, n2). */
  private static void seed(MockCluster c, String webIp) {
    c.admin.namespaces().resource(Fixtures.namespace("shop", Map.of("team", "a"))).create();
    c.admin.nodes().resource(Fixtures.node("n1", "192.0.2.1")).create();
    c.admin.nodes().resource(Fixtures.node("n2", "192.0.2.2")).create();
    c.admin
        .pods()
        .inNamespace("shop")
        .resource(Fixtures.pod("shop", "api-0", Map.of("app", "api"), "n1", "10.244.1.10"))
        .create();
    c.admin
        .pods()
        .inNamespace("shop")
        .resource(Fixtures.pod("shop", "web-0", Map.of("app", "web"), "n2", webIp))
        .create();
    c.admin
        .network()
        .v1()
        .networkPolicies()
        .inNamespace("shop")
        .resource(Fixtures.policy("shop", "allow-web"))
        .create();
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

  @Test
  void apiServerChangesBecomeEventsAndReachNodeFacts() throws Exception {
    IngestMetrics metrics = IngestMetrics.counting();
    try (MockCluster c = new MockCluster("it-a");
        LogReaders.Events events = new LogReaders.Events();
        LogReaders.Facts facts = new LogReaders.Facts()) {
      seed(c, "10.244.2.10");
      c.admin
          .pods()
          .inNamespace("shop")
          .resource(
              new io.fabric8.kubernetes.api.model.PodBuilder()
                  .withNewMetadata()
                  .withName("pending-0")
                  .withNamespace("shop")
                  .endMetadata()
                  .withNewSpec()
                  .addNewContainer()
                  .withName("c")
                  .withImage("x")
                  .endContainer()
                  .endSpec()
                  .withNewStatus()
                  .withPhase("Pending")
                  .endStatus()
                  .build())
          .create();
      try (MockCluster.Ingest ingest = c.ingest(metrics)) {
        ingest.ingest.synced().get(30, java.util.concurrent.TimeUnit.SECONDS);
        await()
            .atMost(WAIT)
            .until(
                () ->
                    List.of("Namespace", "Node", "Pod", "NetworkPolicy").stream()
                        .allMatch(k -> generationEnd(events.of("it-a"), k) > 0));
        List<ChangeEvent> initial = events.of("it-a");
        assertThat(initial)
            .filteredOn(e -> e.type() == EventType.UPSERT)
            .extracting(ChangeEvent::displayName)
            .containsExactlyInAnyOrder(
                "shop", "n1", "n2", "shop/api-0", "shop/web-0", "shop/pending-0", "shop/allow-web");
        assertThat(initial).allMatch(e -> e.cluster().equals("it-a"));
        ChangeEvent pending =
            initial.stream()
                .filter(is(EventType.UPSERT, "Pod", "pending-0"))
                .findFirst()
                .orElseThrow();
        assertThat(pending.object().path("status").has("podIP"))
            .as("a pod without an IP is published too")
            .isFalse();
        assertThat(
                initial.stream()
                    .filter(is(EventType.UPSERT, "Pod", "api-0"))
                    .findFirst()
                    .orElseThrow()
                    .object()
                    .path("spec")
                    .path("containers")
                    .get(0)
                    .has("env"))
            .isFalse();

        // The policy reached the nodes: api-0 is bound on n1 and web-0's IP is a member of its peer
        // set.
        await()
            .atMost(WAIT)
            .until(
                () ->
                    facts.bindings("it-a", "n1").contains("shop/api-0")
                        && facts.members("it-a", "n1").contains("10.244.2.10"));

        // Relabel web-0: no longer a peer.
        c.admin
            .pods()
            .inNamespace("shop")
            .withName("web-0")
            .edit(
                p -> {
                  p.getMetadata().getLabels().put("app", "other");
                  return p;
                });
        await().atMost(WAIT).until(() -> !facts.members("it-a", "n1").contains("10.244.2.10"));

        // Status churn on api-0 produces nothing; a namespace relabel afterwards marks the point in
        // the log.
        for (int i = 0; i < 5; i++) {
          int n = i;
          c.admin
              .pods()
              .inNamespace("shop")
              .withName("api-0")
              .editStatus(
                  p -> {
                    p.getStatus()
                        .getConditions()
                        .add(
                            new PodConditionBuilder()
                                .withType("Probe" + n)
                                .withStatus("True")
                                .build());
                    p.getStatus().getContainerStatuses().get(0).setRestartCount(n + 1);
                    return p;
                  });
        }
        c.admin
            .namespaces()
            .withName("shop")
            .edit(
                ns -> {
                  ns.getMetadata().getLabels().put("team", "b");
                  return ns;
                });
        await()
            .atMost(WAIT)
            .until(
                () ->
                    has(
                        events.of("it-a"),
                        e ->
                            is(EventType.UPSERT, "Namespace", "shop").test(e)
                                && e.object()
                                    .path("metadata")
                                    .path("labels")
                                    .path("team")
                                    .asText()
                                    .equals("b")));
        await()
            .atMost(WAIT)
            .until(() -> metrics.snapshot().suppressed().getOrDefault("it-a/Pod", 0L) >= 5);
        ingest.publisher.awaitCommitted(WAIT);
        assertThat(events.of("it-a")).filteredOn(is(EventType.UPSERT, "Pod", "api-0")).hasSize(1);

        // Policy update: a new port appears in the published spec.
        c.admin
            .network()
            .v1()
            .networkPolicies()
            .inNamespace("shop")
            .withName("allow-web")
            .edit(
                np -> {
                  np.getSpec()
                      .getIngress()
                      .get(0)
                      .getPorts()
                      .add(new NetworkPolicyPortBuilder().withPort(new IntOrString(9443)).build());
                  return np;
                });
        await()
            .atMost(WAIT)
            .until(
                () ->
                    has(
                        events.of("it-a"),
                        e ->
                            is(EventType.UPSERT, "NetworkPolicy", "allow-web").test(e)
                                && e.object()
                                        .path("spec")
                                        .path("ingress")
                                        .get(0)
                                        .path("ports")
                                        .size()
                                    == 4));

        // Deletes: the pod, then the policy (api-0 is no longer isolated: its binding goes).
        c.admin.pods().inNamespace("shop").withName("web-0").delete();
        c.admin.network().v1().networkPolicies().inNamespace("shop").withName("allow-web").delete();
        await()
            .atMost(WAIT)
            .until(
                () ->
                    has(events.of("it-a"), is(EventType.DELETE, "Pod", "web-0"))
                        && has(
                            events.of("it-a"), is(EventType.DELETE, "NetworkPolicy", "allow-web")));
        await().atMost(WAIT).until(() -> facts.bindings("it-a", "n1").isEmpty());

        IngestMetrics.Snapshot s = metrics.snapshot();
        assertThat(s.published())
            .containsKeys("it-a/Pod", "it-a/Namespace", "it-a/NetworkPolicy", "it-a/Node");
        assertThat(s.lastGenerationAt())
            .containsKeys("it-a/Pod", "it-a/Namespace", "it-a/NetworkPolicy", "it-a/Node");
        assertThat(s.backlog()).containsEntry("it-a", 0);
        assertThat(events.keyMismatches).isEmpty();
      }
    }
  }

  @Test
  void aRestartedIngestSweepsWhatWasDeletedWhileItWasAway() throws Exception {
    try (MockCluster c = new MockCluster("it-b");
        LogReaders.Events events = new LogReaders.Events();
        LogReaders.Facts facts = new LogReaders.Facts()) {
      seed(c, "10.244.2.20");
      long firstGeneration;
      try (MockCluster.Ingest ingest = c.ingest(IngestMetrics.counting())) {
        await()
            .atMost(WAIT)
            .until(
                () ->
                    facts.bindings("it-b", "n1").contains("shop/api-0")
                        && facts.members("it-b", "n1").contains("10.244.2.20"));
        firstGeneration = generationEnd(events.of("it-b"), "NetworkPolicy");
      }
      // While nobody watches: the policy and web-0 go.
      c.admin.network().v1().networkPolicies().inNamespace("shop").withName("allow-web").delete();
      c.admin.pods().inNamespace("shop").withName("web-0").delete();
      try (MockCluster.Ingest ingest = c.ingest(IngestMetrics.counting())) {
        await()
            .atMost(WAIT)
            .until(
                () ->
                    generationEnd(events.of("it-b"), "NetworkPolicy") > firstGeneration
                        && generationEnd(events.of("it-b"), "Pod") > firstGeneration);
        await().atMost(WAIT).until(() -> facts.bindings("it-b", "n1").isEmpty());
        // Nobody published a delete: the engine swept them by generation.
        assertThat(events.of("it-b")).noneMatch(e -> e.type() == EventType.DELETE);
      }
    }
  }

  @Test
  void anObjectTooLargeForOneEventIsPublishedAsItsStubAndEnforcedFailingClosed() throws Exception {
    try (MockCluster c = new MockCluster("it-h");
        LogReaders.Events events = new LogReaders.Events();
        LogReaders.Facts facts = new LogReaders.Facts()) {
      seed(c, "10.244.2.30");
      c.admin.network().v1().networkPolicies().inNamespace("shop").withName("allow-web").delete();
      // huge selects api-0 and admits 60,000 ipBlocks (2.4 MB): more than one event carries.
      // Created and
      // later replaced whole (a JSON patch of 60,000 entries is more than the mock server does in
      // time).
      List<NetworkPolicyPeer> blocks = new java.util.ArrayList<>();
      for (int i = 0; i < 60_000; i++) {
        int a = 2 * i;
        blocks.add(
            new NetworkPolicyPeerBuilder()
                .withNewIpBlock()
                .withCidr(
                    "172." + (16 + a / 65_536) + "." + (a / 256 % 256) + "." + (a % 256) + "/32")
                .endIpBlock()
                .build());
      }
      var huge = Fixtures.policy("shop", "huge");
      huge.getSpec().getIngress().get(0).setFrom(blocks);
      c.admin.network().v1().networkPolicies().inNamespace("shop").resource(huge).create();
      try (MockCluster.Ingest ingest = c.ingest(IngestMetrics.counting())) {
        await()
            .atMost(WAIT)
            .until(
                () ->
                    has(
                        events.of("it-h"),
                        e ->
                            is(EventType.UPSERT, "NetworkPolicy", "huge").test(e)
                                && e.truncated() != null));
        ChangeEvent stub =
            events.of("it-h").stream()
                .filter(is(EventType.UPSERT, "NetworkPolicy", "huge"))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertThat(stub.truncated().bytes()).isGreaterThan(stub.truncated().limit());
        assertThat(stub.object().path("spec").path("policyTypes")).hasSize(1);
        assertThat(stub.object().path("spec").has("ingress")).isFalse();
        // Fail closed: api-0 stays isolated on n1, and nothing of the policy's peers is there.
        await()
            .atMost(WAIT)
            .until(
                () ->
                    facts.bindings("it-h", "n1").contains("shop/api-0")
                        && !facts.members("it-h", "n1").contains("10.244.2.30"));

        // The watch follows it: a smaller version is published whole and enforced as written.
        c.admin.network().v1().networkPolicies().inNamespace("shop").withName("huge").delete();
        c.admin
            .network()
            .v1()
            .networkPolicies()
            .inNamespace("shop")
            .resource(Fixtures.policy("shop", "huge"))
            .create();
        await().atMost(WAIT).until(() -> facts.members("it-h", "n1").contains("10.244.2.30"));
        assertThat(
                events.of("it-h").stream()
                    .filter(is(EventType.UPSERT, "NetworkPolicy", "huge"))
                    .reduce((a, b) -> b)
                    .orElseThrow()
                    .truncated())
            .isNull();
      }
    }
  }

  @Test
  void twoClustersAtOnceNeverMix() throws Exception {
    IngestMetrics metrics = IngestMetrics.counting();
    try (MockCluster one = new MockCluster("it-c1");
        MockCluster two = new MockCluster("it-c2");
        LogReaders.Events events = new LogReaders.Events();
        LogReaders.Facts facts = new LogReaders.Facts()) {
      seed(one, "10.1.0.2");
      seed(two, "10.2.0.2");
      try (MockCluster.Ingest a = one.ingest(metrics);
          MockCluster.Ingest b = two.ingest(metrics)) {
        await()
            .atMost(WAIT)
            .until(
                () ->
                    facts.members("it-c1", "n1").contains("10.1.0.2")
                        && facts.members("it-c2", "n1").contains("10.2.0.2"));
        two.admin.pods().inNamespace("shop").withName("web-0").delete();
        await().atMost(WAIT).until(() -> !facts.members("it-c2", "n1").contains("10.2.0.2"));
        assertThat(facts.members("it-c1", "n1")).contains("10.1.0.2").doesNotContain("10.2.0.2");
        assertThat(facts.members("it-c2", "n1")).doesNotContain("10.1.0.2");
        for (String id : List.of("it-c1", "it-c2")) {
          String own = id.equals("it-c1") ? "10.1.0.2" : "10.2.0.2";
          assertThat(events.of(id)).allMatch(e -> e.cluster().equals(id));
          assertThat(events.of(id))
              .filteredOn(is(EventType.UPSERT, "Pod", "web-0"))
              .allMatch(e -> e.object().path("status").path("podIP").asText().equals(own));
        }
        assertThat(events.keyMismatches).isEmpty();
        assertThat(metrics.snapshot().publishedTotal("it-c1")).isPositive();
        assertThat(metrics.snapshot().publishedTotal("it-c2")).isPositive();
      }
    }
  }

  @Test
  void aSecondIngestForTheSameClusterFencesTheFirst() throws Exception {
    try (MockCluster c = new MockCluster("it-d");
        LogReaders.Events events = new LogReaders.Events()) {
      c.admin.namespaces().resource(Fixtures.namespace("shop", Map.of())).create();
      try (MockCluster.Ingest first = c.ingest(IngestMetrics.counting())) {
        await().atMost(WAIT).until(() -> generationEnd(events.of("it-d"), "Namespace") > 0);
        long g1 = generationEnd(events.of("it-d"), "Namespace");
        try (MockCluster.Ingest second = c.ingest(IngestMetrics.counting())) {
          await().atMost(WAIT).until(() -> generationEnd(events.of("it-d"), "Namespace") > g1);
          c.admin
              .pods()
              .inNamespace("shop")
              .resource(Fixtures.pod("shop", "new-0", Map.of("app", "x"), "n1", "10.9.0.1"))
              .create();
          await().atMost(WAIT).until(() -> first.ingest.failure().isDone());
          assertThat(first.ingest.failure()).isCompletedExceptionally();
          assertThat(first.ingest.failure().handle((v, t) -> t).get())
              .isInstanceOf(IngestFencedException.class)
              .hasMessageContaining("it-d");
          // The survivor published the pod (once: the fenced transaction was aborted) and goes on.
          await()
              .atMost(WAIT)
              .until(() -> has(events.of("it-d"), is(EventType.UPSERT, "Pod", "new-0")));
          c.admin.pods().inNamespace("shop").withName("new-0").delete();
          await()
              .atMost(WAIT)
              .until(() -> has(events.of("it-d"), is(EventType.DELETE, "Pod", "new-0")));
          assertThat(events.of("it-d")).filteredOn(is(EventType.UPSERT, "Pod", "new-0")).hasSize(1);
          assertThat(second.ingest.failure()).isNotDone();
        }
      }
    }
  }
}
