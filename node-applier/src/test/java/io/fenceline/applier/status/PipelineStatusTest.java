package io.fenceline.applier.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fenceline.kafka.topics.EngineProgress.Partition;
import io.fenceline.kafka.topics.EventPartitions;
import io.fenceline.kafka.topics.Receipt;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PipelineStatusTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration STALE = Duration.ofSeconds(60);
  private static final int EVENT_PARTITIONS = 6;

  private static NodeStatus node(
      String cluster, String node, long applied, long end, String result, Instant at) {
    Receipt r =
        new Receipt(
            1,
            cluster,
            node,
            3,
            applied,
            40,
            NOW.minusSeconds(300),
            result,
            result.equals("ok") ? null : "iptables-restore: line 7 failed",
            0,
            at,
            12,
            4);
    return new NodeStatus(r, end, result.equals("ok") && applied >= end);
  }

  /** Every events partition at its end, except the ones given. */
  private static List<Partition> engine(Partition... except) {
    List<Partition> out = new ArrayList<>();
    for (int p = 0; p < EVENT_PARTITIONS; p++) {
      out.add(new Partition(p, 0L, 0));
    }
    for (Partition e : except) {
      out.set(e.partition(), e);
    }
    return out;
  }

  private static PipelineStatus.Report assemble(
      Set<String> clusters,
      List<NodeStatus> nodes,
      List<Partition> engine,
      List<DeadLetterRecord> dead) {
    return PipelineStatus.assemble(
        NOW, STALE, "fenceline-engine", clusters, nodes, engine, null, dead);
  }

  @Test
  void allCurrentIsCurrent() {
    int p = EventPartitions.partitionOf("default", EVENT_PARTITIONS);
    PipelineStatus.Report r =
        assemble(
            Set.of(),
            List.of(node("default", "node-1", 12, 12, "ok", NOW.minusSeconds(20))),
            engine(new Partition(p, 10L, 10)),
            List.of());
    assertThat(r.problems()).isEmpty();
    assertThat(r.current()).isTrue();
    assertThat(r.nodes())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.state()).isEqualTo("current");
              assertThat(n.age()).isEqualTo(Duration.ofSeconds(20));
            });
    assertThat(r.engine())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.progress().partition()).isEqualTo(p);
              assertThat(e.clusters()).containsExactly("default");
            });
  }

  @Test
  void anOldReceiptIsStaleEvenWhenItWasCurrent() {
    PipelineStatus.Report r =
        assemble(
            Set.of(),
            List.of(
                node("default", "node-1", 12, 12, "ok", NOW.minusSeconds(243)),
                node("default", "node-2", 12, 12, "ok", NOW.minusSeconds(60))),
            engine(),
            List.of());
    assertThat(r.current()).isFalse();
    assertThat(r.problems())
        .containsExactly(
            "default/node-1: last receipt 4m 3s ago (threshold 60s): applier not running?");
    assertThat(r.nodes())
        .extracting(PipelineStatus.Node::state)
        .containsExactly("stale", "current");
  }

  @Test
  void aFailedOrBehindNodeIsAProblemWithTheReason() {
    PipelineStatus.Report r =
        assemble(
            Set.of(),
            List.of(
                node("default", "node-1", 12, 12, "failed", NOW),
                node("default", "node-2", 9, 12, "ok", NOW)),
            engine(),
            List.of());
    assertThat(r.problems())
        .containsExactly(
            "default/node-1: last apply failed: iptables-restore: line 7 failed",
            "default/node-2: applied fenceline.node-facts-3 up to 9 of 12: the node has not applied its latest facts");
    assertThat(r.nodes())
        .extracting(PipelineStatus.Node::state)
        .containsExactly("failed", "behind");
  }

  @Test
  void theEngineBehindOnAClustersPartitionNamesPartitionOffsetsAndCluster() {
    int p = EventPartitions.partitionOf("default", EVENT_PARTITIONS);
    PipelineStatus.Report r =
        assemble(
            Set.of(),
            List.of(node("default", "node-1", 12, 12, "ok", NOW)),
            engine(new Partition(p, 9L, 10)),
            List.of());
    assertThat(r.current()).isFalse();
    assertThat(r.problems())
        .containsExactly(
            "engine: fenceline.events-"
                + p
                + " committed 9 of 10 (cluster default): the engine has not processed the cluster's latest events");
  }

  @Test
  void withoutClustersEveryPartitionHoldingEventsIsShownAndNeverCommittedIsAProblem() {
    PipelineStatus.Report r =
        assemble(Set.of(), List.of(), engine(new Partition(2, null, 7)), List.of());
    assertThat(r.engine()).extracting(e -> e.progress().partition()).containsExactly(2);
    assertThat(r.problems())
        .containsExactly(
            "engine: fenceline.events-2 committed nothing of 7 (no known cluster):"
                + " the engine has not processed the partition's latest events");
  }

  @Test
  void aClusterFilterShowsOnlyItsNodesAndItsPartition() {
    int c1 = EventPartitions.partitionOf("c1", EVENT_PARTITIONS);
    int other = (c1 + 1) % EVENT_PARTITIONS;
    PipelineStatus.Report r =
        assemble(
            Set.of("c1"),
            List.of(node("c1", "n1", 5, 5, "ok", NOW), node("c2", "n1", 1, 5, "ok", NOW)),
            engine(new Partition(c1, 4L, 4), new Partition(other, 0L, 9)),
            List.of());
    assertThat(r.nodes()).extracting(n -> n.receipt().key()).containsExactly("c1/n1");
    assertThat(r.engine()).extracting(e -> e.progress().partition()).containsExactly(c1);
    assertThat(r.current()).isTrue();
  }

  @Test
  void aClusterWithoutReceiptsIsAWarning() {
    int c1 = EventPartitions.partitionOf("c1", EVENT_PARTITIONS);
    PipelineStatus.Report r =
        assemble(Set.of("c1"), List.of(), engine(new Partition(c1, 3L, 3)), List.of());
    assertThat(r.current()).isTrue();
    assertThat(r.warnings()).containsExactly("cluster c1: no applier has published a receipt");
  }

  @Test
  void deadLettersAreWarningsWithTheNewestReasonsAndDoNotFail() {
    List<DeadLetterRecord> dead = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      dead.add(
          new DeadLetterRecord(
              "default",
              "bad " + i,
              "fenceline.events",
              1,
              (long) 10 + i,
              NOW.minusSeconds(100 - i),
              i));
    }
    dead.add(new DeadLetterRecord("other", "x", "fenceline.events", 2, 3L, NOW, 5));
    dead.add(new DeadLetterRecord(null, "no\nkey", null, null, null, NOW, 6));
    PipelineStatus.Report r =
        assemble(
            Set.of("default"), List.of(node("default", "node-1", 1, 1, "ok", NOW)), engine(), dead);
    assertThat(r.current()).isTrue();
    assertThat(r.deadLetters())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.count()).isEqualTo(5);
              assertThat(d.newest())
                  .extracting(DeadLetterRecord::reason)
                  .containsExactly("bad 4", "bad 3", "bad 2");
            });
    assertThat(r.warnings())
        .containsExactly(
            "dead letters: cluster default: 5 in fenceline.dead-letter (input the engine rejected and skipped)",
            "dead letter " + NOW.minusSeconds(96) + " fenceline.events-1@14: bad 4",
            "dead letter " + NOW.minusSeconds(97) + " fenceline.events-1@13: bad 3",
            "dead letter " + NOW.minusSeconds(98) + " fenceline.events-1@12: bad 2");
    PipelineStatus.Report all = assemble(Set.of(), List.of(), engine(), dead);
    assertThat(all.deadLetters())
        .extracting(PipelineStatus.DeadLetters::cluster)
        .containsExactly(null, "default", "other");
    assertThat(all.warnings())
        .contains(
            "dead letters: records without a cluster key: 1 in fenceline.dead-letter"
                + " (input the engine rejected and skipped)",
            "dead letter " + NOW + " ?: no\\u000akey");
  }

  @Test
  void unreadableEngineProgressIsAProblemAndAMissingTopicAWarning() {
    PipelineStatus.Report r =
        PipelineStatus.assemble(
            NOW,
            STALE,
            "fenceline-engine",
            Set.of(),
            List.of(),
            null,
            "GroupAuthorizationException: Not authorized to access group: fenceline-engine",
            List.of());
    assertThat(r.problems())
        .containsExactly(
            "engine: cannot read its progress on fenceline.events:"
                + " GroupAuthorizationException: Not authorized to access group: fenceline-engine");
    PipelineStatus.Report none =
        PipelineStatus.assemble(
            NOW, STALE, "fenceline-engine", Set.of(), List.of(), null, null, List.of());
    assertThat(none.current()).isTrue();
    assertThat(none.warnings())
        .containsExactly(
            "engine: topic fenceline.events does not exist (nothing was ever published)");
  }

  @Test
  void policyWarningsOfTheShownClustersAreWarningsNotProblems() {
    int p = EventPartitions.partitionOf("default", EVENT_PARTITIONS);
    List<io.fenceline.kafka.topics.PolicyWarnings.Warning> warnings =
        List.of(
            new io.fenceline.kafka.topics.PolicyWarnings.Warning(
                "default", "a", "Admin tier priority 10 is shared by [a, b]; ..."),
            new io.fenceline.kafka.topics.PolicyWarnings.Warning("other", "x", "elsewhere"));
    PipelineStatus.Report r =
        PipelineStatus.assemble(
            NOW,
            STALE,
            "fenceline-engine",
            Set.of("default"),
            List.of(node("default", "node-1", 12, 12, "ok", NOW.minusSeconds(20))),
            engine(new Partition(p, 10L, 10)),
            null,
            List.of(),
            warnings);
    assertThat(r.current()).isTrue();
    assertThat(r.warnings())
        .containsExactly(
            "cluster default: ClusterNetworkPolicy a: Admin tier priority 10 is shared by [a, b];"
                + " ...");
  }

  @Test
  void theJsonCarriesEverything() {
    int p = EventPartitions.partitionOf("default", EVENT_PARTITIONS);
    PipelineStatus.Report r =
        assemble(
            Set.of(),
            List.of(node("default", "node-1", 12, 12, "ok", NOW.minusSeconds(90))),
            engine(new Partition(p, null, 2)),
            List.of(new DeadLetterRecord("default", "why", "fenceline.events", p, 0L, NOW, 0)));
    JsonNode j = r.toJson();
    assertThat(j.get("current").asBoolean()).isFalse();
    assertThat(j.get("at").asText()).isEqualTo(NOW.toString());
    assertThat(j.get("staleAfterSeconds").asLong()).isEqualTo(60);
    JsonNode n = j.get("nodes").get(0);
    assertThat(n.get("node").asText()).isEqualTo("node-1");
    assertThat(n.get("appliedAt").asText()).isEqualTo(NOW.minusSeconds(90).toString());
    assertThat(n.get("ageSeconds").asLong()).isEqualTo(90);
    assertThat(n.get("stale").asBoolean()).isTrue();
    assertThat(n.get("applied").asBoolean()).isTrue();
    assertThat(n.get("current").asBoolean()).isFalse();
    assertThat(n.get("state").asText()).isEqualTo("stale");
    assertThat(n.get("partitionEnd").asLong()).isEqualTo(12);
    assertThat(n.get("problems")).hasSize(1);
    JsonNode e = j.get("engine");
    assertThat(e.get("applicationId").asText()).isEqualTo("fenceline-engine");
    JsonNode ep = e.get("partitions").get(0);
    assertThat(ep.get("topic").asText()).isEqualTo("fenceline.events");
    assertThat(ep.get("partition").asInt()).isEqualTo(p);
    assertThat(ep.get("committed").isNull()).isTrue();
    assertThat(ep.get("end").asLong()).isEqualTo(2);
    assertThat(ep.get("lag").asLong()).isEqualTo(2);
    assertThat(ep.get("current").asBoolean()).isFalse();
    assertThat(ep.get("clusters").get(0).asText()).isEqualTo("default");
    JsonNode d = j.get("deadLetters").get(0);
    assertThat(d.get("cluster").asText()).isEqualTo("default");
    assertThat(d.get("count").asLong()).isEqualTo(1);
    assertThat(d.get("newest").get(0).get("reason").asText()).isEqualTo("why");
    assertThat(d.get("newest").get(0).get("sourcePartition").asInt()).isEqualTo(p);
    assertThat(j.get("problems")).hasSize(2);
    assertThat(j.get("warnings")).hasSize(2);
  }

  @Test
  void humanDurations() {
    assertThat(PipelineStatus.human(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(PipelineStatus.human(Duration.ofSeconds(240))).isEqualTo("4m");
    assertThat(PipelineStatus.human(Duration.ofSeconds(7500))).isEqualTo("2h 5m");
    assertThat(PipelineStatus.human(Duration.ofHours(76))).isEqualTo("3d 4h");
  }
}
