package io.fenceline.core.history;

import static io.fenceline.core.history.HistoryFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.ObjectKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterStateTest {

  @Test
  void foldsUpsertsDeletesAndTheGenerationSweepAsTheEngineDoes() {
    ClusterState s =
        fold(
            namespace("a", "{}", 1, 1),
            pod("a", "web", "web", "10.0.0.1", 2, 1),
            pod("a", "db", "db", "10.0.0.2", 3, 1),
            dbPolicy("a", 4, 1));
    assertThat(s.pods()).containsOnlyKeys(ObjectKey.of("a", "web"), ObjectKey.of("a", "db"));
    assertThat(s.policies()).containsOnlyKeys(ObjectKey.of("a", "db"));
    assertThat(s.nextOffset()).isEqualTo(4);

    // A relist in generation 2 that no longer has pod web: its end marker sweeps it.
    ClusterState t =
        fold(
            namespace("a", "{}", 1, 1),
            pod("a", "web", "web", "10.0.0.1", 2, 1),
            pod("a", "db", "db", "10.0.0.2", 3, 1),
            namespace("a", "{}", 10, 2),
            pod("a", "db", "db", "10.0.0.2", 11, 2),
            end("Pod", 12, 2));
    assertThat(t.pods()).containsOnlyKeys(ObjectKey.of("a", "db"));
    assertThat(t.holderOf(IpAddress.parse("10.0.0.1"))).isNull();
    assertThat(t.holderOf(IpAddress.parse("10.0.0.2"))).isEqualTo(ObjectKey.of("a", "db"));
  }

  @Test
  void theStateCompilesToWhatTheCompilerGivesForTheSameObjects() {
    ClusterState s =
        fold(
            namespace("a", "{}", 1, 1),
            pod("a", "web", "web", "10.0.0.1", 2, 1),
            pod("a", "db", "db", "10.0.0.2", 3, 1),
            dbPolicy("a", 4, 1));
    List<ClusterChange> same =
        s.entries().values().stream()
            .map(e -> (ClusterChange) ClusterChange.upsert(e.object()))
            .toList();
    assertThat(CompiledCluster.fromScratch(s.upserts()).payload("n1"))
        .isEqualTo(CompiledCluster.fromScratch(same).payload("n1"));
    assertThat(CompiledCluster.fromScratch(s.upserts()).payload("n1").iptablesRestore())
        .contains("FNL-");
  }

  @Test
  void reportsWhichObjectsEachRecordChanged() {
    ClusterState s = new ClusterState(CLUSTER, 0);
    ChangeEvent web = pod("a", "web", "web", "10.0.0.1", 1, 1);
    assertThat(s.apply(LogEvent.decode(CLUSTER, EventCodec.encode(web), 0)))
        .containsExactly(new ObjectRef(Kind.POD, ObjectKey.of("a", "web")));
    // The same content again (a relist): nothing changed.
    assertThat(
            s.apply(
                LogEvent.decode(
                    CLUSTER, EventCodec.encode(pod("a", "web", "web", "10.0.0.1", 2, 2)), 1)))
        .isEmpty();
    assertThat(
            s.apply(
                LogEvent.decode(
                    CLUSTER,
                    EventCodec.encode(
                        ChangeEvent.delete(CLUSTER, "Pod", "a", "web", null, null, at(3), 2)),
                    2)))
        .containsExactly(new ObjectRef(Kind.POD, ObjectKey.of("a", "web")));
    assertThat(
            s.apply(
                LogEvent.decode(
                    CLUSTER,
                    EventCodec.encode(
                        ChangeEvent.heartbeat(CLUSTER, at(4), java.time.Duration.ofSeconds(30))),
                    3)))
        .isEmpty();
  }

  @Test
  void anUnusableObjectLeavesThePreviousVersionAndABadRecordChangesNothing() {
    ClusterState s = fold(dbPolicy("a", 1, 1));
    ChangeEvent broken =
        ChangeEvent.upsert(
            CLUSTER,
            "NetworkPolicy",
            "a",
            "db",
            null,
            "x",
            at(2),
            1,
            json(
                "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\",\"metadata\":{\"name\":\"db\","
                    + "\"namespace\":\"a\"},\"spec\":{\"podSelector\":{\"matchLabels\":{\"app\":[1]}}}}"));
    assertThat(s.apply(LogEvent.decode(CLUSTER, EventCodec.encode(broken), 1))).isEmpty();
    assertThat(s.resourceVersion(Kind.NETWORK_POLICY, ObjectKey.of("a", "db"))).isEqualTo("np-1");

    assertThat(s.apply(LogEvent.decode(CLUSTER, "{not json".getBytes(StandardCharsets.UTF_8), 2)))
        .isEmpty();
    assertThat(
            s.apply(
                LogEvent.decode(
                    "other", EventCodec.encode(pod("a", "x", "x", "10.0.0.9", 3, 1)), 3)))
        .isEmpty();
    assertThat(s.rejected()).isEqualTo(2);
    assertThat(s.pods()).isEmpty();
    assertThatThrownBy(
            () -> s.apply(LogEvent.decode(CLUSTER, EventCodec.encode(dbPolicy("a", 4, 1)), 2)))
        .hasMessageContaining("behind");
  }

  @Test
  void aCopyIsIndependent() {
    ClusterState s = fold(pod("a", "web", "web", "10.0.0.1", 1, 1));
    ClusterState copy = s.copy();
    s.apply(
        LogEvent.decode(
            CLUSTER,
            EventCodec.encode(ChangeEvent.delete(CLUSTER, "Pod", "a", "web", null, null, at(2), 1)),
            1));
    assertThat(s.pods()).isEmpty();
    assertThat(copy.pods()).containsOnlyKeys(ObjectKey.of("a", "web"));
    assertThat(copy.holderOf(IpAddress.parse("10.0.0.1"))).isEqualTo(ObjectKey.of("a", "web"));
  }
}
