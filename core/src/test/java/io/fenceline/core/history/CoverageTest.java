package io.fenceline.core.history;

import static io.fenceline.core.history.HistoryFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.events.ChangeEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoverageTest {

  private static ClusterState foldAll(List<ChangeEvent> events) {
    return fold(events.toArray(ChangeEvent[]::new));
  }

  @Test
  void theStateIsUnknownUntilTheFirstListIsComplete() {
    List<ChangeEvent> events =
        new ArrayList<>(
            List.of(namespace("a", "{}", 1, 1), pod("a", "web", "web", "10.0.0.1", 2, 1)));
    ClusterState s = foldAll(events);
    assertThat(s.coverage().unknownAt(at(2), null, at(3))).contains("no complete list");
    events.addAll(List.of(listEnds(5, 1)));
    ClusterState t = foldAll(events);
    assertThat(t.coverage().unknownAt(at(4), null, at(6))).contains("no complete list");
    assertThat(t.coverage().unknownAt(at(5), null, at(6))).isNull();
    assertThat(t.coverage().windows())
        .singleElement()
        .satisfies(w -> assertThat(w.reason()).contains("first complete list"));
  }

  @Test
  void silenceBeyondTheHeartbeatPromiseIsUnknownUntilTheRelistEnds() {
    List<ChangeEvent> events = new ArrayList<>(List.of(namespace("a", "{}", 1, 1)));
    events.addAll(List.of(listEnds(2, 1)));
    events.add(ChangeEvent.heartbeat(CLUSTER, at(10), Duration.ofSeconds(60)));
    events.add(
        namespace("a", "{}", 500, 2)); // ingest back after a long silence: relist of generation 2
    ClusterState midRelist = foldAll(events);
    assertThat(midRelist.coverage().unknownAt(at(60), at(500), at(600))).isNull();
    assertThat(midRelist.coverage().unknownAt(at(71), at(500), at(600))).contains("silent");
    assertThat(midRelist.coverage().unknownAt(at(501), null, at(600)))
        .contains("silent"); // relist not ended

    events.addAll(List.of(listEnds(502, 2)));
    ClusterState after = foldAll(events);
    assertThat(after.coverage().unknownAt(at(300), null, at(600)))
        .contains("until a relist completed");
    assertThat(after.coverage().unknownAt(at(502), null, at(503))).isNull();
    assertThat(after.coverage().windows()).extracting(Coverage.Window::from).contains(at(70));
  }

  @Test
  void withoutHeartbeatsEachPublicationStandsUntilTheNext() {
    List<ChangeEvent> events = new ArrayList<>(List.of(namespace("a", "{}", 1, 1)));
    events.addAll(List.of(listEnds(2, 1)));
    ClusterState s = foldAll(events);
    assertThat(s.coverage().unknownAt(at(100_000), null, at(200_000))).isNull();
  }

  @Test
  void aSilentTailAfterTheLastHeartbeatIsUnknown() {
    List<ChangeEvent> events = new ArrayList<>(List.of(namespace("a", "{}", 1, 1)));
    events.addAll(List.of(listEnds(2, 1)));
    events.add(ChangeEvent.heartbeat(CLUSTER, at(10), Duration.ofSeconds(60)));
    ClusterState s = foldAll(events);
    assertThat(s.coverage().unknownAt(at(50), null, at(60))).isNull();
    assertThat(s.coverage().unknownAt(at(100), null, at(200))).contains("log ends");
  }
}
