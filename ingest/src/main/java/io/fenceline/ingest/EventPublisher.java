package io.fenceline.ingest;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.events.EventObjects;
import io.fenceline.core.events.EventType;
import io.fenceline.core.manifest.OversizeObjects;
import io.fenceline.kafka.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the change events of one cluster to {@code fenceline.events}, keyed by the cluster id
 * (one partition, one order), through one transactional producer ({@code
 * fenceline-ingest-<cluster>}, idempotent, acks=all). A second ingest for the same cluster
 * initialising that id fences this one: it then stops and {@link #failure()} completes with an
 * {@link IngestFencedException}.
 *
 * <p>{@link #publish} never blocks: changes wait in {@link PendingChanges}, coalesced per object
 * (so memory stays bounded by the number of objects when Kafka is slow), and one sender thread
 * drains them in transactions, retrying a failed transaction with the same events. {@code
 * observedAt} is made monotonic in log order here (max of the last one sent and the event's own).
 */
public final class EventPublisher implements EventSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
  static final int MAX_BATCH = 5_000;

  private final String cluster;
  private final String transactionalId;
  private final Supplier<Producer<String, byte[]>> producers;
  private final IngestMetrics metrics;
  private final PendingChanges pending = new PendingChanges();
  private final CompletableFuture<Void> failure = new CompletableFuture<>();
  private final Thread sender;
  private volatile boolean stopping;
  private volatile Producer<String, byte[]> producer;
  private Instant lastObservedAt = Instant.EPOCH;
  private long transactions;
  private volatile Heartbeats heartbeats;
  private long lastCommitNanos = System.nanoTime();

  /**
   * Where the producer publishes, for messages ("the broker" when a test gives a producer factory).
   */
  private String brokers = "the broker";

  /**
   * When and whether to publish {@link EventType#HEARTBEAT}s: only while {@code watching} holds.
   */
  private record Heartbeats(Duration interval, BooleanSupplier watching, Clock clock) {}

  EventPublisher(
      String cluster, Supplier<Producer<String, byte[]>> producers, IngestMetrics metrics) {
    this.cluster = cluster;
    this.transactionalId = transactionalId(cluster);
    this.producers = producers;
    this.metrics = metrics;
    this.sender = new Thread(this::run, "fenceline-ingest-sender-" + cluster);
    this.sender.setDaemon(true);
  }

  public static String transactionalId(String cluster) {
    return "fenceline-ingest-" + cluster;
  }

  /** Starts a publisher for {@code cluster}; {@code extraConfig} overrides producer settings. */
  public static EventPublisher start(
      String cluster,
      String bootstrapServers,
      IngestMetrics metrics,
      Map<String, Object> extraConfig) {
    Map<String, Object> config = producerConfig(cluster, bootstrapServers);
    config.putAll(extraConfig);
    EventPublisher p =
        new EventPublisher(
            cluster,
            () -> new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer()),
            metrics);
    p.brokers = String.valueOf(config.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
    p.sender.start();
    return p;
  }

  /** Starts with a given producer factory (tests: MockProducer). */
  static EventPublisher start(
      String cluster, Supplier<Producer<String, byte[]>> producers, IngestMetrics metrics) {
    EventPublisher p = new EventPublisher(cluster, producers, metrics);
    p.sender.start();
    return p;
  }

  /**
   * Starts with a given producer factory for the brokers at {@code brokers} (named in fatal
   * errors).
   */
  static EventPublisher start(
      String cluster,
      String brokers,
      Supplier<Producer<String, byte[]>> producers,
      IngestMetrics metrics) {
    EventPublisher p = new EventPublisher(cluster, producers, metrics);
    p.brokers = brokers;
    p.sender.start();
    return p;
  }

  static Map<String, Object> producerConfig(String cluster, String bootstrapServers) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(cluster));
    c.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId(cluster));
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return c;
  }

  public String cluster() {
    return cluster;
  }

  @Override
  public void publish(ChangeEvent event) {
    if (!event.cluster().equals(cluster)) {
      throw new IllegalArgumentException(
          "event of cluster " + event.cluster() + " given to the publisher of " + cluster);
    }
    if (failure.isDone()) {
      return; // stopped for good (fenced or closed); the owner watches failure()
    }
    if (pending.put(event)) {
      metrics.coalesced(cluster);
    }
    metrics.backlog(cluster, pending.size());
  }

  /** Changes waiting to be sent (the backlog gauge). */
  public int backlog() {
    return pending.size();
  }

  /**
   * Completes exceptionally when the publisher stopped on its own (fenced, or a fatal Kafka error).
   */
  public CompletableFuture<Void> failure() {
    return failure;
  }

  /**
   * Waits until every change published before this call is committed (acknowledged by the broker).
   *
   * @return false on timeout
   * @throws IngestFencedException or another fatal error the publisher stopped on
   */
  public boolean awaitCommitted(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      throwIfFailed();
      if (pending.idle()) {
        return true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      pending.awaitIdle(
          TimeUnit.NANOSECONDS.toMillis(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100))) + 1);
    }
  }

  private void throwIfFailed() {
    if (failure.isCompletedExceptionally()) {
      Throwable t = failure.handle((v, e) -> e).join();
      if (t instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null) {
        t = ce.getCause();
      }
      if (t instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(t);
    }
  }

  /**
   * Publishes a heartbeat whenever nothing was committed for {@code interval} and {@code watching}
   * is true, so that the event log tells a quiet cluster from one nobody watched (forensics reports
   * the silent stretches as unknown). Heartbeats carry {@code interval} as their promise.
   */
  public void enableHeartbeats(Duration interval, BooleanSupplier watching, Clock clock) {
    if (interval.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "heartbeat interval must be at least one second: " + interval);
    }
    this.heartbeats = new Heartbeats(interval, watching, clock);
  }

  /** Transactions committed so far. */
  public synchronized long transactions() {
    return transactions;
  }

  private void run() {
    try {
      producer = connect();
      while (true) {
        List<ChangeEvent> batch = pending.take(MAX_BATCH, 200);
        metrics.backlog(cluster, pending.size());
        if (batch.isEmpty()) {
          if (stopping) {
            break;
          }
          heartbeatIfDue();
          continue;
        }
        List<ChangeEvent> stamped = stamp(batch);
        commit(stamped);
        record(stamped);
        pending.batchDone();
      }
      failure.complete(null);
    } catch (IngestFencedException e) {
      LOG.error("cluster {}: {}", cluster, e.getMessage());
      failure.completeExceptionally(e);
    } catch (PublisherFailedException e) {
      LOG.error("{}", e.getMessage()); // said once, with the cause; no retry follows
      failure.completeExceptionally(e);
    } catch (InterruptedException e) {
      failure.completeExceptionally(
          new IllegalStateException("publisher of cluster " + cluster + " interrupted"));
    } catch (RuntimeException | Error e) {
      LOG.error("cluster {}: publisher stopped: {}", cluster, e.toString(), e);
      failure.completeExceptionally(e);
    } finally {
      pending.close();
      Producer<String, byte[]> p = producer;
      if (p != null) {
        try {
          p.close(Duration.ofSeconds(5));
        } catch (RuntimeException ignored) {
          // closing after a failure
        }
      }
    }
  }

  private Producer<String, byte[]> connect() throws InterruptedException {
    long backoff = 200;
    while (true) {
      Producer<String, byte[]> p = producers.get();
      try {
        p.initTransactions();
        LOG.info(
            "cluster {}: publishing to {} as transactional id {}",
            cluster,
            Topics.EVENTS,
            transactionalId);
        return p;
      } catch (KafkaException e) {
        p.close(Duration.ZERO);
        if (isFenced(e) || isFatal(e) || stopping) {
          throw fatal(e);
        }
        LOG.warn(
            "cluster {}: cannot initialise the producer yet ({}); retrying", cluster, e.toString());
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  /**
   * Sends the batch in one transaction, retrying (same events, same order) until it is committed.
   * An error that retrying cannot mend ({@link PublishErrors}) stops the publisher with a {@link
   * PublisherFailedException} naming the cluster, the object and what Kafka said; fencing stops it
   * with an {@link IngestFencedException}; anything else is retried, logging the real cause each
   * time.
   */
  private void commit(List<ChangeEvent> batch) throws InterruptedException {
    List<ChangeEvent> events = new ArrayList<>(batch.size());
    List<byte[]> values = new ArrayList<>(batch.size());
    for (ChangeEvent e : batch) {
      byte[] value = EventCodec.encode(e);
      if (value.length
          > OversizeObjects.MAX_OBJECT_BYTES) { // only then can its object be too large
        ChangeEvent fitted = EventObjects.fit(e);
        if (fitted != e) {
          LOG.error(
              "cluster {}: {} {} is {} bytes, more than an event carries ({}): published as a stub that the"
                  + " engine enforces failing closed (see docs/events.md)",
              cluster,
              e.kind(),
              e.displayName(),
              fitted.truncated().bytes(),
              fitted.truncated().limit());
          metrics.truncated(cluster, e.kind());
          e = fitted;
          value = EventCodec.encode(e);
        }
      }
      events.add(e);
      values.add(value);
    }
    long backoff = 100;
    while (true) {
      List<Sending> sent = new ArrayList<>(batch.size());
      try {
        producer.beginTransaction();
        for (int i = 0; i < events.size(); i++) {
          byte[] value = values.get(i);
          Sending s = new Sending(events.get(i), value.length);
          sent.add(s);
          try {
            producer.send(
                new ProducerRecord<>(Topics.EVENTS, cluster, value),
                (metadata, error) -> s.error = error);
          } catch (KafkaException refused) {
            s.error = refused;
            throw refused;
          }
        }
        producer.commitTransaction();
        lastCommitNanos = System.nanoTime();
        synchronized (this) {
          transactions++;
        }
        return;
      } catch (KafkaException e) {
        PublishErrors.Classified c = PublishErrors.classify(e, errors(sent));
        if (c.verdict() == PublishErrors.Verdict.FENCED) {
          throw new IngestFencedException(cluster, transactionalId, e);
        }
        if (c.verdict() == PublishErrors.Verdict.FATAL) {
          throw new PublisherFailedException(
              PublishErrors.message(cluster, brokers, Topics.EVENTS, c, culprit(sent, c.cause())),
              c.cause());
        }
        LOG.warn(
            "cluster {}: transaction of {} events failed ({}: {}); retrying",
            cluster,
            batch.size(),
            c.cause().getClass().getSimpleName(),
            c.cause().getMessage());
        try {
          producer.abortTransaction();
        } catch (KafkaException abortFailed) {
          PublishErrors.Classified a = PublishErrors.classify(abortFailed, List.of());
          if (a.verdict() == PublishErrors.Verdict.FENCED) {
            throw new IngestFencedException(cluster, transactionalId, abortFailed);
          }
          if (a.verdict() == PublishErrors.Verdict.FATAL) {
            throw new PublisherFailedException(
                PublishErrors.message(cluster, brokers, Topics.EVENTS, a, null), a.cause());
          }
          // The producer is unusable: a new one (new epoch of our own transactional id) takes over.
          producer.close(Duration.ZERO);
          producer = connect();
        }
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  /** A record of the transaction being sent; its callback sets {@code error}. */
  private static final class Sending {
    final ChangeEvent event;
    final int bytes;
    volatile Exception error;

    Sending(ChangeEvent event, int bytes) {
      this.event = event;
      this.bytes = bytes;
    }
  }

  private static List<Throwable> errors(List<Sending> sent) {
    List<Throwable> out = new ArrayList<>();
    sent.forEach(
        s -> {
          if (s.error != null) {
            out.add(s.error);
          }
        });
    return out;
  }

  /**
   * The record whose own error is {@code cause}. Its callback runs right after the producer entered
   * the error state the transaction method reported, so this waits a moment for it.
   */
  private static PublishErrors.Sent culprit(List<Sending> sent, Throwable cause)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (true) {
      List<PublishErrors.Sent> snapshot =
          sent.stream().map(s -> new PublishErrors.Sent(s.event, s.bytes, s.error)).toList();
      PublishErrors.Sent c = PublishErrors.culprit(snapshot, cause);
      if (c != null || System.nanoTime() > deadline) {
        return c;
      }
      Thread.sleep(20);
    }
  }

  private void heartbeatIfDue() throws InterruptedException {
    Heartbeats h = heartbeats;
    if (h == null
        || System.nanoTime() - lastCommitNanos < h.interval().toNanos()
        || !h.watching().getAsBoolean()) {
      return;
    }
    // Sent a little before the interval is up, so the promise holds despite the send taking time.
    commit(
        stamp(
            List.of(
                ChangeEvent.heartbeat(
                    cluster, h.clock().instant(), h.interval().multipliedBy(2)))));
  }

  private List<ChangeEvent> stamp(List<ChangeEvent> batch) {
    return batch.stream()
        .map(
            e -> {
              if (e.observedAt().isAfter(lastObservedAt)) {
                lastObservedAt = e.observedAt();
                return e;
              }
              return e.observedAt(lastObservedAt);
            })
        .toList();
  }

  private void record(List<ChangeEvent> batch) {
    Map<String, Long> perKind = new HashMap<>();
    for (ChangeEvent e : batch) {
      perKind.merge(e.kind(), 1L, Long::sum);
      if (e.type() == EventType.GENERATION_END) {
        metrics.generationCompleted(cluster, e.kind(), e.generation(), Instant.now());
      }
    }
    perKind.forEach((kind, n) -> metrics.published(cluster, kind, n));
    metrics.backlog(cluster, pending.size());
  }

  private RuntimeException fatal(KafkaException e) {
    if (isFenced(e)) {
      return new IngestFencedException(cluster, transactionalId, e);
    }
    return e;
  }

  static boolean isFenced(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ProducerFencedException) {
        return true;
      }
    }
    return false;
  }

  private static boolean isFatal(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof AuthorizationException || c instanceof UnsupportedVersionException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Sends what is pending (waiting up to {@code timeout} for it to be committed), then stops.
   *
   * @return true when everything published was committed
   */
  public boolean close(Duration timeout) {
    boolean drained;
    try {
      drained = failure.isDone() || awaitCommitted(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drained = false;
    } catch (RuntimeException fencedOrFailed) {
      drained = false;
    }
    stopping = true;
    pending.close();
    try {
      sender.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (sender.isAlive()) {
      Producer<String, byte[]> p = producer;
      if (p != null) {
        p.close(Duration.ZERO); // unblocks a commit that waits for an unreachable broker
      }
      sender.interrupt();
    }
    failure.complete(null);
    return drained;
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
