package io.fenceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.events.EventType;
import io.fenceline.kafka.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EventPublisherTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private final IngestMetrics metrics = IngestMetrics.counting();

  /** A MockProducer whose commits can be held back (a slow broker) or fail once. */
  static class TestProducer extends MockProducer<String, byte[]> {
    final Semaphore commits = new Semaphore(Integer.MAX_VALUE);
    final AtomicInteger failNextCommits = new AtomicInteger();
    final AtomicInteger aborts = new AtomicInteger();

    TestProducer() {
      super(true, null, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void commitTransaction() {
      commits.acquireUninterruptibly();
      if (failNextCommits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new KafkaException("broker unavailable (test)");
      }
      super.commitTransaction();
    }

    @Override
    public void abortTransaction() {
      aborts.incrementAndGet();
      super.abortTransaction();
    }
  }

  private static ChangeEvent pod(String cluster, String name, String ip, Instant at) {
    return SlimObjects.of(Fixtures.pod("ns", name, Map.of("app", "a"), "n1", ip))
        .upsert(cluster, at, 1);
  }

  private static List<ChangeEvent> decoded(MockProducer<String, byte[]> p) {
    List<ChangeEvent> out = new ArrayList<>();
    for (ProducerRecord<String, byte[]> r : p.history()) {
      assertThat(r.topic()).isEqualTo(Topics.EVENTS);
      try {
        ChangeEvent e = EventCodec.decode(r.value());
        assertThat(r.key()).isEqualTo(e.cluster());
        out.add(e);
      } catch (Exception ex) {
        throw new AssertionError(ex);
      }
    }
    return out;
  }

  @Test
  void publishesInTransactionsKeyedByClusterWithMonotonicObservedAt() throws Exception {
    TestProducer producer = new TestProducer();
    try (EventPublisher pub = EventPublisher.start("c1", () -> producer, metrics)) {
      pub.publish(pod("c1", "a", "10.0.0.1", T.plusSeconds(10)));
      pub.publish(
          pod("c1", "b", "10.0.0.2", T.plusSeconds(5))); // observed "earlier" on another thread
      pub.publish(ChangeEvent.generationEnd("c1", "Pod", T.plusSeconds(11), 1));
      assertThat(pub.awaitCommitted(Duration.ofSeconds(10))).isTrue();
      List<ChangeEvent> sent = decoded(producer);
      assertThat(sent).extracting(ChangeEvent::name).containsExactly("a", "b", "");
      assertThat(sent)
          .extracting(ChangeEvent::observedAt)
          .containsExactly(T.plusSeconds(10), T.plusSeconds(10), T.plusSeconds(11));
      assertThat(producer.transactionInitialized()).isTrue();
      assertThat(producer.commitCount()).isGreaterThanOrEqualTo(1);
      IngestMetrics.Snapshot s = metrics.snapshot();
      assertThat(s.published()).containsEntry("c1/Pod", 3L);
      assertThat(s.lastGeneration()).containsEntry("c1/Pod", 1L);
      assertThat(s.lastGenerationAt()).containsKey("c1/Pod");
    }
  }

  @Test
  void anIdleWatchingPublisherSendsHeartbeatsAndOnlyWhileWatching() throws Exception {
    TestProducer producer = new TestProducer();
    java.util.concurrent.atomic.AtomicBoolean watching =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    try (EventPublisher pub = EventPublisher.start("c1", () -> producer, metrics)) {
      pub.enableHeartbeats(Duration.ofSeconds(1), watching::get, java.time.Clock.systemUTC());
      pub.publish(pod("c1", "a", "10.0.0.1", Instant.now()));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  decoded(producer).stream()
                      .anyMatch(e -> e.type() == io.fenceline.core.events.EventType.HEARTBEAT));
      ChangeEvent beat =
          decoded(producer).stream()
              .filter(e -> e.type() == io.fenceline.core.events.EventType.HEARTBEAT)
              .findFirst()
              .orElseThrow();
      assertThat(beat.kind()).isEqualTo(ChangeEvent.HEARTBEAT_KIND);
      assertThat(beat.heartbeatInterval())
          .isEqualTo(Duration.ofSeconds(2)); // the promise leaves room for the send
      watching.set(false);
      Thread.sleep(300); // a heartbeat decided before the flag flipped may still be on its way
      int sent = producer.history().size();
      Thread.sleep(2_500);
      assertThat(producer.history())
          .hasSize(sent); // not watching: silence, which forensics reports as unknown
    }
  }

  @Test
  void aSlowBrokerCoalescesPendingChangesPerObject() throws Exception {
    TestProducer producer = new TestProducer();
    producer.commits.drainPermits(); // the broker holds every commit
    try (EventPublisher pub = EventPublisher.start("c1", () -> producer, metrics)) {
      pub.publish(pod("c1", "first", "10.0.0.1", T));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> pub.backlog() == 0); // taken, commit blocked
      for (int round = 0; round < 200; round++) {
        for (int i = 0; i < 100; i++) {
          pub.publish(pod("c1", "p" + i, "10.1." + (round % 250) + "." + i, T));
        }
      }
      assertThat(pub.backlog()).as("20,000 updates of 100 pods wait as 100 changes").isEqualTo(100);
      assertThat(metrics.snapshot().backlog()).containsEntry("c1", 100);
      assertThat(metrics.snapshot().coalesced()).containsEntry("c1", 19_900L);
      producer.commits.release(Integer.MAX_VALUE / 2);
      assertThat(pub.awaitCommitted(Duration.ofSeconds(10))).isTrue();
      List<ChangeEvent> sent = decoded(producer);
      assertThat(sent).hasSize(101);
      Map<String, String> lastIp = new HashMap<>();
      sent.forEach(e -> lastIp.put(e.name(), e.object().path("status").path("podIP").asText()));
      assertThat(lastIp).containsEntry("p7", "10.1.199.7");
    }
  }

  @Test
  void aFailedTransactionIsRetriedWithTheSameEvents() throws Exception {
    TestProducer producer = new TestProducer();
    producer.failNextCommits.set(2);
    try (EventPublisher pub = EventPublisher.start("c1", () -> producer, metrics)) {
      pub.publish(pod("c1", "a", "10.0.0.1", T));
      pub.publish(pod("c1", "b", "10.0.0.2", T));
      assertThat(pub.awaitCommitted(Duration.ofSeconds(10))).isTrue();
      assertThat(decoded(producer)).extracting(ChangeEvent::name).containsExactly("a", "b");
      assertThat(producer.aborts).hasValue(2);
    }
  }

  @Test
  void aFencedPublisherStopsWithAClearError() throws Exception {
    TestProducer producer = new TestProducer();
    EventPublisher pub = EventPublisher.start("c1", () -> producer, metrics);
    try {
      await().atMost(Duration.ofSeconds(5)).until(producer::transactionInitialized);
      producer.fenceProducer(); // another instance initialised fenceline-ingest-c1
      pub.publish(pod("c1", "a", "10.0.0.1", T));
      await().atMost(Duration.ofSeconds(5)).until(() -> pub.failure().isDone());
      assertThat(pub.failure()).isCompletedExceptionally();
      assertThatThrownBy(() -> pub.awaitCommitted(Duration.ofSeconds(1)))
          .isInstanceOf(IngestFencedException.class)
          .hasMessageContaining("another ingest for cluster 'c1'")
          .hasMessageContaining("fenceline-ingest-c1");
      pub.publish(pod("c1", "b", "10.0.0.2", T)); // dropped, never thrown at the informer
      assertThat(decoded(producer)).isEmpty();
    } finally {
      pub.close(Duration.ofSeconds(1));
    }
  }

  @Test
  void refusesEventsOfAnotherCluster() {
    TestProducer producer = new TestProducer();
    try (EventPublisher pub = EventPublisher.start("c1", () -> producer, metrics)) {
      assertThatThrownBy(() -> pub.publish(pod("c2", "a", "10.0.0.1", T)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void endMarkersAreCounted() throws Exception {
    TestProducer producer = new TestProducer();
    try (EventPublisher pub = EventPublisher.start("c1", () -> producer, metrics)) {
      for (String kind : List.of("Namespace", "Pod", "NetworkPolicy", "Node")) {
        pub.publish(ChangeEvent.generationEnd("c1", kind, T, 7));
      }
      assertThat(pub.awaitCommitted(Duration.ofSeconds(10))).isTrue();
      assertThat(decoded(producer))
          .allMatch(e -> e.type() == EventType.GENERATION_END && e.generation() == 7);
      assertThat(metrics.snapshot().lastGeneration()).hasSize(4);
    }
  }
}
