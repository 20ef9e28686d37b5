package io.fenceline.it.forensics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.cli.Main;
import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.history.ClusterState;
import io.fenceline.core.history.FlowHistory;
import io.fenceline.core.history.FlowQuery;
import io.fenceline.core.history.FlowReport;
import io.fenceline.core.history.StateDiff;
import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import io.fenceline.core.reference.Flow;
import io.fenceline.core.reference.ReferenceModel;
import io.fenceline.forensics.ClusterHistory;
import io.fenceline.forensics.HistoryException;
import io.fenceline.forensics.Progress;
import io.fenceline.forensics.SnapshotStore;
import io.fenceline.ingest.EventPublisher;
import io.fenceline.ingest.IngestMetrics;
import io.fenceline.ingest.ManifestIngest;
import io.fenceline.kafka.topics.Receipt;
import io.fenceline.kafka.topics.TopicAdmin;
import io.fenceline.kafka.topics.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recorded history on the real embedded broker: five steps of manifests published by the file
 * ingest at known times (an IP reused by another pod among them), then every forensic answer at and
 * between the steps checked against the reference model of that step's manifests.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecordedHistoryIT {
  private static final String CLUSTER = "forensics-it";
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration STEP = Duration.ofHours(1);
  private static final List<String> STEPS = Steps.all();
  private static final List<String> ENDS =
      List.of(
          "prod/web-0",
          "prod/db-0",
          "dev/tool-0",
          "10.40.0.11",
          "10.40.0.12",
          "10.40.0.21",
          "172.16.9.9");
  private static final List<String> PORTS = List.of("5432/TCP", "80/TCP", "53/UDP");

  @TempDir static Path dir;
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void record() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      TopicAdmin.ensure(
          admin,
          new Topics.Layout(
                  2,
                  2,
                  Topics.Layout.defaults().eventRetentionMs(),
                  Topics.Layout.defaults().deadLetterRetentionMs())
              .specs());
    }
    EventPublisher publisher =
        EventPublisher.start(CLUSTER, kafka.bootstrapServers(), IngestMetrics.counting(), Map.of());
    try {
      for (int i = 0; i < STEPS.size(); i++) {
        Path file = dir.resolve("step-" + i + ".yaml");
        Files.writeString(file, STEPS.get(i));
        Instant at = T0.plus(STEP.multipliedBy(i));
        new ManifestIngest(file, CLUSTER, publisher, Clock.fixed(at, ZoneOffset.UTC), line -> {})
            .publishOnce(Duration.ofSeconds(60));
        if (i == 2) {
          // A version of db-ingress the engine cannot use (podSelector is not a selector): the
          // previous stays in force.
          publisher.publish(
              ChangeEvent.upsert(
                  CLUSTER,
                  "NetworkPolicy",
                  "prod",
                  "db-ingress",
                  null,
                  "102",
                  at.plus(Duration.ofMinutes(10)),
                  at.toEpochMilli(),
                  new com.fasterxml.jackson.databind.ObjectMapper()
                      .readTree(
                          "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\",\"metadata\":{\"name\":"
                              + "\"db-ingress\",\"namespace\":\"prod\"},\"spec\":{\"podSelector\":\"all\"}}")));
          assertThat(publisher.awaitCommitted(Duration.ofSeconds(30))).isTrue();
        }
        if (i == 3) {
          // Ingest watching after step 3, promising an event every 2 minutes, then silent until
          // step 4.
          publisher.publish(
              ChangeEvent.heartbeat(CLUSTER, at.plusSeconds(60), Duration.ofMinutes(2)));
          assertThat(publisher.awaitCommitted(Duration.ofSeconds(30))).isTrue();
        }
      }
    } finally {
      publisher.close(Duration.ofSeconds(10));
    }
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static ClusterHistory history(SnapshotStore snapshots) {
    return new ClusterHistory(
        kafka.bootstrapServers(),
        Map.of(),
        CLUSTER,
        snapshots,
        label -> Progress.NONE,
        Clock.systemUTC());
  }

  private static List<ClusterObject> objectsOf(int step) throws Exception {
    DecodedObjects d = Manifests.decode(ManifestParser.parse("step-" + step, STEPS.get(step)));
    assertThat(d.problems()).isEmpty();
    return d.objects().stream().map(DecodedObjects.Located::object).toList();
  }

  /**
   * Every flow of the matrix answered at {@code t} equals the reference model of {@code step}'s
   * manifests.
   */
  private static int checkAgainstReference(ClusterHistory h, Instant t, int step) throws Exception {
    ClusterState state = h.at(t).state();
    List<ClusterObject> objects = objectsOf(step);
    ReferenceModel ref = new ReferenceModel(objects);
    int checked = 0;
    for (String src : ENDS) {
      for (String dst : ENDS) {
        if (src.equals(dst) || (!src.contains("/") && !dst.contains("/"))) {
          continue;
        }
        for (String port : PORTS) {
          FlowQuery q = FlowQuery.of(src, dst, port);
          FlowReport r;
          try {
            r = FlowReport.of(state, q, t, null);
          } catch (IllegalArgumentException absent) {
            assertThat(podExists(objects, src) && podExists(objects, dst))
                .as("%s absent at step %d", q, step)
                .isFalse();
            continue;
          }
          Flow flow =
              new Flow(endpoint(objects, src), endpoint(objects, dst), q.protocol(), q.port());
          assertThat(r.explanation().allowed())
              .as("%s at %s (step %d)", q, t, step)
              .isEqualTo(ref.allows(flow));
          assertThat(r.explanation().src().pod())
              .as("who held %s at step %d", src, step)
              .isEqualTo(flow.src().pod());
          checked++;
        }
      }
    }
    return checked;
  }

  private static boolean podExists(List<ClusterObject> objects, String end) {
    return !end.contains("/")
        || objects.stream()
            .anyMatch(o -> o instanceof Pod p && p.key().equals(ObjectKey.parse(end)));
  }

  private static Flow.Endpoint endpoint(List<ClusterObject> objects, String end) {
    if (end.contains("/")) {
      Pod p =
          (Pod)
              objects.stream()
                  .filter(o -> o instanceof Pod x && x.key().equals(ObjectKey.parse(end)))
                  .findFirst()
                  .orElseThrow();
      return Flow.Endpoint.pod(p.key(), p.ips().get(0));
    }
    IpAddress ip = IpAddress.parse(end);
    return objects.stream()
        .filter(o -> o instanceof Pod p && p.isPeerCandidate() && p.ips().contains(ip))
        .map(o -> Flow.Endpoint.pod(o.key(), ip))
        .findFirst()
        .orElse(new Flow.Endpoint(null, ip));
  }

  @Test
  @Order(1)
  void everyAnswerAtAndBetweenTheStepsMatchesTheReferenceModel() throws Exception {
    int checked = 0;
    try (ClusterHistory h = history(null)) {
      for (int i = 0; i < STEPS.size(); i++) {
        Instant at = T0.plus(STEP.multipliedBy(i));
        checked += checkAgainstReference(h, at, i);
        checked += checkAgainstReference(h, at.plus(Duration.ofMinutes(30)), i);
      }
      assertThatThrownBy(() -> h.at(T0.minusSeconds(1)))
          .isInstanceOf(HistoryException.class)
          .hasMessageContaining("oldest event")
          .hasMessageContaining(T0.toString());
    }
    assertThat(checked).isGreaterThan(300);
  }

  @Test
  @Order(1)
  void theFastReplayToAMomentFoldsToTheSameStateAsTheFullOne() throws Exception {
    try (ClusterHistory h = history(null)) {
      for (int i = 0; i < STEPS.size(); i++) {
        for (Duration d : List.of(Duration.ZERO, Duration.ofMinutes(30))) {
          Instant t = T0.plus(STEP.multipliedBy(i)).plus(d);
          ClusterHistory.At full = h.continueTo(h.at(T0), t, a -> {});
          assertThat(h.at(t).state().entries()).as("at %s", t).isEqualTo(full.state().entries());
        }
      }
      FlowReport r =
          FlowReport.of(
              h.at(T0.plus(STEP.multipliedBy(2)).plus(Duration.ofMinutes(30))).state(),
              FlowQuery.of("prod/db-0", "prod/db-0", "5432/TCP"),
              T0,
              null);
      assertThat(r.objects()).anySatisfy(o -> assertThat(o.resourceVersion()).isEqualTo("101"));
    }
  }

  @Test
  @Order(2)
  void theReusedIpResolvesToWhoeverHeldItThen() throws Exception {
    try (ClusterHistory h = history(null)) {
      FlowQuery q = FlowQuery.of("10.40.0.11", "prod/db-0", "5432/TCP");
      FlowReport before = FlowReport.of(h.at(T0.plus(STEP)).state(), q, T0.plus(STEP), null);
      FlowReport after =
          FlowReport.of(
              h.at(T0.plus(STEP.multipliedBy(2))).state(), q, T0.plus(STEP.multipliedBy(2)), null);
      assertThat(before.explanation().src().pod()).isEqualTo(ObjectKey.of("prod", "web-0"));
      assertThat(before.explanation().allowed()).isTrue();
      assertThat(before.explanation().ingress().match().policy())
          .isEqualTo(ObjectKey.of("prod", "db-ingress"));
      assertThat(before.objects())
          .anySatisfy(
              o -> {
                assertThat(o.name()).isEqualTo("prod/db-ingress");
                assertThat(o.resourceVersion()).isEqualTo("101");
              });
      assertThat(after.explanation().src().pod()).isEqualTo(ObjectKey.of("prod", "batch-0"));
      assertThat(after.explanation().allowed()).isFalse();
      assertThat(after.explanation().ingress().isolatingPolicies())
          .containsExactly(ObjectKey.of("prod", "db-ingress"));
      assertThat(after.explanation().ingress().match()).isNull();
    }
  }

  @Test
  @Order(3)
  void historyListsEveryChangeOfVerdictWithItsEvent() throws Exception {
    try (ClusterHistory h = history(null)) {
      FlowQuery q = FlowQuery.of("10.40.0.11", "prod/db-0", "5432/TCP");
      ClusterHistory.At start = h.at(T0);
      FlowHistory fh = new FlowHistory(q);
      fh.start(start.state(), T0);
      h.continueTo(start, T0.plus(STEP.multipliedBy(5)), a -> fh.observe(start.state(), a));
      assertThat(fh.moments())
          .filteredOn(m -> !m.verdictChanged())
          .singleElement()
          .satisfies(
              m -> assertThat(m.detail()).contains("allowed by prod/db-ingress rule 0 peer 0"));
      List<String> seen = new ArrayList<>();
      for (FlowHistory.Moment m : fh.changes()) {
        seen.add(
            m.at()
                + " "
                + m.verdict()
                + " "
                + (m.cause() == null ? "-" : m.cause().kind() + " " + m.cause().name()));
      }
      assertThat(seen)
          .containsExactly(
              T0 + " allowed -", // web-0, no policy yet (step 1 keeps it allowed)
              T0.plus(STEP.multipliedBy(2))
                  + " denied Pod prod/batch-0", // the IP reused by batch-0
              T0.plus(STEP.multipliedBy(4))
                  + " allowed NetworkPolicy swept prod/db-ingress (generation "
                  + T0.plus(STEP.multipliedBy(4)).toEpochMilli()
                  + ")"); // deleted: gone from the relist
    }
  }

  @Test
  @Order(4)
  void diffNamesTheFlipsAndTheEventsResponsible() throws Exception {
    try (ClusterHistory h = history(null)) {
      ClusterHistory.At a = h.at(T0.plus(STEP));
      ClusterState before = a.state().copy();
      List<StateDiff.Applied> between = new ArrayList<>();
      ClusterHistory.At b = h.continueTo(a, T0.plus(STEP.multipliedBy(2)), between::add);
      StateDiff d = StateDiff.between(before, b.state(), between, null, 100);
      assertThat(d.policies()).isEmpty();
      assertThat(d.flows())
          .anySatisfy(
              f -> {
                assertThat(f.src()).isEqualTo(ObjectKey.of("dev", "tool-0"));
                assertThat(f.dst()).isEqualTo(ObjectKey.of("prod", "db-0"));
                assertThat(f.port()).isEqualTo(5432);
                assertThat(f.before()).isFalse();
                assertThat(f.after()).isTrue();
                assertThat(f.events()).anySatisfy(e -> assertThat(e.name()).isEqualTo("dev"));
              });
      assertThat(d.members())
          .anySatisfy(
              m -> {
                assertThat(m.member()).isEqualTo("10.40.0.11");
                assertThat(m.added()).isFalse();
              });
      assertThat(d.isolation()).isEmpty();

      ClusterHistory.At c = h.at(T0.plus(STEP.multipliedBy(3)));
      ClusterState c0 = c.state().copy();
      List<StateDiff.Applied> toEnd = new ArrayList<>();
      ClusterHistory.At e = h.continueTo(c, T0.plus(STEP.multipliedBy(4)), toEnd::add);
      StateDiff removal = StateDiff.between(c0, e.state(), toEnd, "node-b", 100);
      assertThat(removal.policies())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.change()).isEqualTo("removed");
                assertThat(p.events())
                    .singleElement()
                    .satisfies(x -> assertThat(x.type()).isEqualTo("GENERATION_END"));
              });
      assertThat(removal.isolation())
          .extracting(StateDiff.IsolationChange::pod)
          .containsOnly(ObjectKey.of("prod", "db-0"));
    }
  }

  @Test
  @Order(5)
  void silenceAfterAHeartbeatIsUnknownUntilTheRelistEnds() throws Exception {
    try (ClusterHistory h = history(null)) {
      assertThat(h.at(T0.plus(STEP.multipliedBy(3)).plusSeconds(90)).unknown()).isNull();
      assertThat(h.at(T0.plus(STEP.multipliedBy(3)).plus(Duration.ofMinutes(30))).unknown())
          .contains("silent")
          .contains("120 s");
      assertThat(h.at(T0.plus(STEP.multipliedBy(4))).unknown()).isNull();
      assertThat(h.at(T0.plus(STEP.multipliedBy(2))).unknown()).isNull();
    }
  }

  @Test
  @Order(6)
  void snapshotsGiveTheSameAnswersAndOutliveRetention() throws Exception {
    SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"));
    try (ClusterHistory h = history(store)) {
      assertThat(h.snapshotToEnd(7)).hasSizeGreaterThan(3);
    }
    // Retention: delete the first half of the cluster's log.
    try (ClusterHistory h = history(null);
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      TopicPartition tp = new TopicPartition(Topics.EVENTS, h.partition());
      long cut =
          store.list(CLUSTER, new ArrayList<>()).stream()
              .filter(s -> !s.header().observedAt().isBefore(T0.plus(STEP)))
              .findFirst()
              .orElseThrow()
              .header()
              .nextOffset();
      admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(cut))).all().get();
      assertThatThrownBy(() -> h.at(T0.plus(STEP.multipliedBy(3))))
          .isInstanceOf(HistoryException.class)
          .hasMessageContaining("retention deleted")
          .hasMessageContaining("no snapshot");
    }
    try (ClusterHistory h = history(store)) {
      assertThatThrownBy(() -> h.at(T0.plus(Duration.ofMinutes(30))))
          .isInstanceOf(HistoryException.class)
          .hasMessageContaining("retention deleted")
          .hasMessageContaining("oldest snapshot");
      for (int i = 1; i < STEPS.size(); i++) {
        Instant at = T0.plus(STEP.multipliedBy(i)).plus(Duration.ofMinutes(30));
        assertThat(checkAgainstReference(h, at, i)).isPositive();
      }
    }
  }

  @Test
  @Order(7)
  void theCommandsAnswerFromTheCommandLine() throws Exception {
    String at = T0.plus(STEP.multipliedBy(2)).toString();
    Run json =
        run(
            "explain",
            "--cluster",
            CLUSTER,
            "--from",
            "10.40.0.11",
            "--to",
            "prod/db-0",
            "--port",
            "5432/TCP",
            "--at",
            at,
            "-o",
            "json");
    assertThat(json.code).as(json.err).isZero();
    assertThat(json.out)
        .contains("\"verdict\" : \"denied\"")
        .contains("\"pod\" : \"prod/batch-0\"")
        .contains("\"isolatingPolicies\" : [ \"prod/db-ingress\" ]")
        .contains("\"match\" : null");

    Run rules =
        run(
            "rules",
            "--cluster",
            CLUSTER,
            "--node",
            "node-b",
            "--at",
            at,
            "--out",
            dir.resolve("rules").toString());
    assertThat(rules.code).as(rules.err).isZero();
    String expected =
        CompiledCluster.fromScratch(
                Manifests.asUpserts(Manifests.decode(ManifestParser.parse("step-2", STEPS.get(2)))))
            .payload("node-b")
            .iptablesRestore();
    assertThat(Files.readString(dir.resolve("rules/node-b/iptables.restore"))).isEqualTo(expected);
    assertThat(rules.err).contains("no receipt");

    // Receipts of node-b: ok an hour after step 1, failed an hour after step 3.
    try (var producer =
        new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new org.apache.kafka.common.serialization.StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      for (Receipt r :
          List.of(
              new Receipt(
                  1,
                  CLUSTER,
                  "node-b",
                  0,
                  5,
                  3,
                  T0,
                  "ok",
                  null,
                  12,
                  T0.plus(STEP).plusSeconds(60),
                  10,
                  4),
              new Receipt(
                  1,
                  CLUSTER,
                  "node-b",
                  0,
                  9,
                  7,
                  T0,
                  "failed",
                  "iptables-restore: exit 1",
                  12,
                  T0.plus(STEP.multipliedBy(3)).plusSeconds(60),
                  10,
                  4))) {
        producer
            .send(
                new org.apache.kafka.clients.producer.ProducerRecord<>(
                    Topics.NODE_STATUS, r.key(), r.encode()))
            .get();
      }
    }
    Run withReceipt = run("rules", "--cluster", CLUSTER, "--node", "node-b", "--at", at);
    assertThat(withReceipt.code).as(withReceipt.err).isZero();
    assertThat(withReceipt.err)
        .contains("acknowledged facts up to offset 5 of partition 0")
        .contains("result ok");
    assertThat(withReceipt.out).contains("# iptables.restore").contains(expected);
    Run failed =
        run(
            "rules",
            "--cluster",
            CLUSTER,
            "--node",
            "node-b",
            "--at",
            T0.plus(STEP.multipliedBy(4)).toString());
    assertThat(failed.err).contains("offset 9").contains("result failed").contains("NOT current");

    Run history =
        run(
            "history",
            "--cluster",
            CLUSTER,
            "--from",
            "10.40.0.11",
            "--to",
            "prod/db-0",
            "--port",
            "5432");
    assertThat(history.code).as(history.err).isZero();
    assertThat(history.out).contains("denied").contains("by @");

    Run before =
        run(
            "explain",
            "--cluster",
            CLUSTER,
            "--from",
            "prod/web-0",
            "--to",
            "prod/db-0",
            "--port",
            "5432/TCP",
            "--at",
            "2020-01-01T00:00:00Z");
    assertThat(before.code).isEqualTo(2);
    assertThat(before.err).contains("cannot rebuild");

    Run diff =
        run(
            "diff",
            "--cluster",
            CLUSTER,
            "--from",
            T0.plus(STEP.multipliedBy(3)).toString(),
            "--to",
            T0.plus(STEP.multipliedBy(4)).toString());
    assertThat(diff.code).as(diff.err).isZero();
    assertThat(diff.out).contains("policy removed  prod/db-ingress").contains("no longer isolated");
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--snapshots",
            dir.resolve("snapshots").toString()));
    int code = cl.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }
}
