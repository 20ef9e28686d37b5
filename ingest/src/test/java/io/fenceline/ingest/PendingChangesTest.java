package io.fenceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingChangesTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private final PendingChanges pending = new PendingChanges();

  private static ChangeEvent upsert(String name, String ip, long g) {
    ObjectNode o = SlimObjects.JSON.createObjectNode();
    o.putObject("metadata").put("name", name).put("namespace", "ns");
    o.putObject("status").put("podIP", ip);
    return ChangeEvent.upsert("c", "Pod", "ns", name, null, null, T, g, o);
  }

  private static ChangeEvent delete(String name, long g) {
    return ChangeEvent.delete("c", "Pod", "ns", name, null, null, T, g);
  }

  @Test
  void latestStateWinsInThePlaceOfTheFirst() throws Exception {
    pending.put(upsert("a", "10.0.0.1", 1));
    pending.put(upsert("b", "10.0.0.2", 1));
    assertThat(pending.put(upsert("a", "10.0.0.9", 1))).isTrue();
    List<ChangeEvent> out = pending.take(100, 0);
    assertThat(out).extracting(ChangeEvent::name).containsExactly("a", "b");
    assertThat(out.get(0).object().path("status").path("podIP").asText()).isEqualTo("10.0.0.9");
    assertThat(pending.coalesced()).isEqualTo(1);
  }

  @Test
  void deleteAfterUpsertWinsAndUpsertAfterDeleteToo() throws Exception {
    pending.put(upsert("a", "10.0.0.1", 1));
    pending.put(delete("a", 1));
    pending.put(delete("b", 1));
    pending.put(upsert("b", "10.0.0.2", 1));
    List<ChangeEvent> out = pending.take(100, 0);
    assertThat(out)
        .extracting(ChangeEvent::name, ChangeEvent::type)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", EventType.DELETE),
            org.assertj.core.groups.Tuple.tuple("b", EventType.UPSERT));
  }

  @Test
  void objectsOfAGenerationStayAheadOfItsEndMarker() throws Exception {
    pending.put(upsert("a", "10.0.0.1", 1));
    pending.put(ChangeEvent.generationEnd("c", "Pod", T, 1));
    pending.put(upsert("a", "10.0.0.2", 2)); // relist: republished in generation 2, stays first
    pending.put(upsert("b", "10.0.0.3", 2));
    pending.put(ChangeEvent.generationEnd("c", "Pod", T, 2)); // replaces marker 1, goes last
    List<ChangeEvent> out = pending.take(100, 0);
    assertThat(out)
        .extracting(e -> e.type() + ":" + e.name() + ":" + e.generation())
        .containsExactly("UPSERT:a:2", "UPSERT:b:2", "GENERATION_END::2");
  }

  @Test
  void memoryIsBoundedByTheNumberOfObjects() throws Exception {
    for (int round = 0; round < 1000; round++) {
      for (int i = 0; i < 50; i++) {
        pending.put(upsert("p" + i, "10.0." + (round % 250) + "." + i, 1));
      }
    }
    assertThat(pending.size()).isEqualTo(50);
    assertThat(pending.coalesced()).isEqualTo(50 * 999);
    List<ChangeEvent> out = pending.take(10, 0);
    assertThat(out).hasSize(10);
    assertThat(pending.idle()).isFalse();
    pending.take(100, 0);
    pending.batchDone();
    assertThat(pending.idle()).isTrue();
  }

  @Test
  void takeWaitsForTheFirstChange() throws Exception {
    long t0 = System.nanoTime();
    assertThat(pending.take(10, 50)).isEmpty();
    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(40_000_000L);
    new Thread(
            () -> {
              try {
                Thread.sleep(20);
              } catch (InterruptedException ignored) {
                // test thread
              }
              pending.put(upsert("a", "10.0.0.1", 1));
            })
        .start();
    assertThat(pending.take(10, 5_000)).hasSize(1);
  }
}
