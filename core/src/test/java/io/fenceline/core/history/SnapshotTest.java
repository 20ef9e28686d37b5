package io.fenceline.core.history;

import static io.fenceline.core.history.HistoryFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.events.ChangeEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SnapshotTest {

  private static ClusterState sample() {
    return fold(
        namespace("a", "{\"team\":\"x\"}", 1, 1),
        pod("a", "web", "web", "10.0.0.1", 2, 1),
        pod("a", "db", "db", "10.0.0.2", 3, 1),
        dbPolicy("a", 4, 1),
        end("Namespace", 5, 1),
        end("Pod", 5, 1),
        end("NetworkPolicy", 5, 1),
        ChangeEvent.heartbeat(CLUSTER, at(6), Duration.ofSeconds(30)));
  }

  @Test
  void roundTripsObjectsOffsetsAndCoverage() throws Exception {
    ClusterState s = sample();
    Snapshot back = Snapshot.decode(Snapshot.of(s, 3).encode());
    assertThat(back.partition()).isEqualTo(3);
    assertThat(back.nextOffset()).isEqualTo(8);
    assertThat(back.observedAt()).isEqualTo(at(6));
    assertThat(back.state().entries()).isEqualTo(s.entries());
    assertThat(back.state().coverage().save()).isEqualTo(s.coverage().save());
    assertThat(CompiledCluster.fromScratch(back.state().upserts()).payload("n1"))
        .isEqualTo(CompiledCluster.fromScratch(s.upserts()).payload("n1"));
    // Going on from the snapshot is the same as going on from the state.
    assertThat(back.state().coverage().unknownAt(at(100), null, at(200)))
        .isEqualTo(s.coverage().unknownAt(at(100), null, at(200)));
  }

  @Test
  void aTruncatedOrForeignFileIsRefusedWithTheReason() {
    byte[] full = Snapshot.of(sample(), 0).encode();
    String text = new String(full, StandardCharsets.UTF_8);
    byte[] cut =
        text.substring(0, text.lastIndexOf('\n', text.length() - 2) + 1)
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Snapshot.decode(cut))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> Snapshot.decode("{\"v\":9}\n".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("snapshot version 9");
    assertThatThrownBy(() -> Snapshot.decode(Arrays.copyOf(full, 20)))
        .isInstanceOf(SnapshotFormatException.class)
        .hasMessageContaining("header is not JSON");
  }
}
