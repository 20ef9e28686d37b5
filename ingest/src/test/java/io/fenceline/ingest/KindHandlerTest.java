package io.fenceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.model.Kind;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The informer callbacks as fabric8 8 delivers them, in order, for one kind. */
class KindHandlerTest {
  private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();
  private final List<ChangeEvent> events = new ArrayList<>();
  private final AtomicLong millis = new AtomicLong(1_000);
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return Instant.ofEpochMilli(millis.get());
        }
      };
  private final IngestMetrics metrics = IngestMetrics.counting();
  private final List<Pod> store = new ArrayList<>();
  private final KindHandler<Pod> handler =
      new KindHandler<Pod>(
              "c1",
              Kind.POD,
              events::add,
              new ChangeDetector(),
              new Generations(clock),
              new ObservedClock(clock),
              metrics)
          .store(() -> List.copyOf(store));

  private static Pod pod(String name, String ip, String rv) {
    Pod p = Fixtures.pod("ns", name, Map.of("app", "a"), "n1", ip);
    p.getMetadata().setResourceVersion(rv);
    return p;
  }

  /**
   * The informer's first list: every pod added, then the list ends at the last pod's
   * resourceVersion.
   */
  private void firstList(Pod... pods) {
    handler.onBeforeList(null);
    store.addAll(List.of(pods));
    for (Pod p : pods) {
      handler.onAdd(p);
    }
    handler.onList(pods[pods.length - 1].getMetadata().getResourceVersion(), false);
  }

  private List<String> summary() {
    return events.stream().map(e -> e.type() + ":" + e.name() + ":" + e.generation()).toList();
  }

  @Test
  void initialListPublishesEachObjectOnceThenTheEndMarker() {
    Pod a = pod("a", "10.0.0.1", "1");
    Pod b = pod("b", "10.0.0.2", "2");
    firstList(a, b);
    assertThat(summary()).containsExactly("UPSERT:a:1000", "UPSERT:b:1000", "GENERATION_END::1000");
  }

  @Test
  void statusOnlyUpdatesAreSuppressedAndCounted() {
    Pod a = pod("a", "10.0.0.1", "1");
    handler.onBeforeList(null);
    handler.onAdd(a);
    handler.onList("1", false);
    events.clear();
    Pod churned = FABRIC8.clone(a);
    churned.getMetadata().setResourceVersion("2");
    churned.getStatus().getContainerStatuses().get(0).setRestartCount(1);
    handler.onUpdate(a, churned);
    assertThat(events).isEmpty();
    assertThat(metrics.snapshot().suppressed()).containsEntry("c1/Pod", 1L);
    Pod relabelled = FABRIC8.clone(churned);
    relabelled.getMetadata().getLabels().put("app", "b");
    handler.onUpdate(churned, relabelled);
    handler.onDelete(relabelled, false);
    assertThat(summary()).containsExactly("UPSERT:a:1000", "DELETE:a:1000");
  }

  @Test
  void aRelistStartsANewGenerationAndRepublishesEverything() {
    Pod a = pod("a", "10.0.0.1", "1");
    Pod b = pod("b", "10.0.0.2", "2");
    firstList(a, b);
    events.clear();

    // The watch failed (HTTP 410); meanwhile b was deleted and a's status churned.
    millis.set(5_000);
    handler.onBeforeList("2");
    Pod a2 = FABRIC8.clone(a);
    a2.getMetadata().setResourceVersion("9");
    store.set(0, a2);
    handler.onUpdate(a, a2); // unchanged slim form: suppressed, but still republished below
    store.remove(b);
    handler.onDelete(b, true);
    handler.onList("9", false);
    assertThat(summary()).containsExactly("DELETE:b:5000", "UPSERT:a:5000", "GENERATION_END::5000");
  }

  @Test
  void generationsGrowEvenWhenTheClockStalls() {
    handler.onBeforeList(null);
    handler.onList("1", true);
    handler.onBeforeList("1");
    handler.onList("1", true);
    assertThat(summary()).containsExactly("GENERATION_END::1000", "GENERATION_END::1001");
    assertThat(events.get(1).observedAt()).isAfterOrEqualTo(events.get(0).observedAt());
  }
}
