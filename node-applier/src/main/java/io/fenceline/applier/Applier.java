package io.fenceline.applier;

import io.fenceline.applier.kernel.Netfilter;
import io.fenceline.applier.sync.NodeSync;
import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.FactFormatException;
import io.fenceline.core.render.RenderedNode;
import io.fenceline.core.time.UtcInstants;
import io.fenceline.kafka.health.Health;
import io.fenceline.kafka.topics.FactHeaders;
import io.fenceline.kafka.topics.NodePartitions;
import io.fenceline.kafka.topics.Receipt;
import io.fenceline.kafka.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node applier, the Kafka shell around {@link NodeSync}: assigns itself its node's partition of
 * {@code fenceline.node-facts}, reads it {@code read_committed} from offset 0 into the sync's
 * facts, applies nothing until it has reached the end offset noted at start, then loops: steps the
 * sync until it is idle (it applies the full state first, replacing whatever fenceline owned
 * before, then what arrives together as one delta), doing what each step asks (commit, receipt,
 * metrics), and polls. Offsets are committed and a receipt published only after the kernel accepted
 * the change; a failure is retried with backoff from the full desired state. Until caught up — and
 * whenever Kafka is away — the kernel keeps the last rules applied.
 */
public final class Applier implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

  private final ApplierConfig config;
  private final Clock clock;
  private final ApplierMetrics metrics;
  private final Consumer<RenderedNode> onApplied;
  private final String prefix;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final NodeSync sync;

  /** Why Kafka could not be reached at start (until the first apply says more). */
  private volatile String bootError;

  private volatile Thread loop;

  /** An applier that programs {@code netfilter} and tells nobody what it applied. */
  public Applier(ApplierConfig config, Netfilter netfilter, Clock clock) {
    this(config, netfilter, clock, null);
  }

  /**
   * An applier that hands {@code onApplied} the node's whole state after every apply (dry runs and
   * tests write it as payload files; building it copies every set member, so a node's production
   * applier passes none).
   */
  public Applier(
      ApplierConfig config, Netfilter netfilter, Clock clock, Consumer<RenderedNode> onApplied) {
    this.config = config;
    this.clock = clock;
    this.onApplied = onApplied;
    this.metrics = new ApplierMetrics(config.cluster(), config.node());
    this.sync =
        NodeSync.of(
            new NodeSync.Settings(
                config.cluster(),
                config.node(),
                config.driftCheckInterval(),
                config.maxBackoff(),
                config.heartbeatInterval()),
            netfilter);
    this.prefix = "[" + config.cluster() + "/" + config.node() + "] ";
  }

  public boolean healthy() {
    return sync.healthy();
  }

  public String lastError() {
    String e = sync.lastError();
    return e != null || sync.healthy() ? e : bootError;
  }

  public String scrape() {
    return metrics.registry.scrape();
  }

  /** Readiness for {@code /healthz}: the node's rules are applied and the last apply succeeded. */
  public Health readiness() {
    if (healthy()) {
      return Health.up();
    }
    String lastError = lastError();
    return Health.down(lastError == null ? "the node's rules are not applied yet" : lastError);
  }

  /**
   * Liveness for {@code /livez}: the apply loop runs (it retries Kafka and the kernel by itself).
   */
  public Health liveness() {
    Thread t = loop;
    if (t != null && !t.isAlive() && running.get()) {
      return Health.down("the apply loop has stopped");
    }
    return Health.up();
  }

  /** Waits until the first full apply after start has succeeded. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  @Override
  public void run() {
    loop = Thread.currentThread();
    Map<String, Object> consumerProps = new java.util.HashMap<>(config.clientProperties());
    consumerProps.putAll(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            config.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            config.consumerGroup(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            5000,
            // The engine creates the topics with their layout; a consumer must never create one
            // with the broker's defaults.
            ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
            false));
    Map<String, Object> producerProps = new java.util.HashMap<>(config.clientProperties());
    producerProps.putAll(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            config.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true));
    try (KafkaConsumer<String, byte[]> consumer =
            new KafkaConsumer<>(
                consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<String, byte[]> receipts =
            new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer())) {
      int partitions = awaitTopic(consumer, Topics.NODE_FACTS);
      int setPartitions = partitions < 0 ? -1 : awaitTopic(consumer, Topics.SET_MEMBERS);
      if (setPartitions < 0) {
        return; // closed while Kafka was away: nothing was touched
      }
      TopicPartition tp =
          new TopicPartition(
              Topics.NODE_FACTS,
              NodePartitions.partitionOf(config.cluster(), config.node(), partitions));
      TopicPartition sp =
          new TopicPartition(
              Topics.SET_MEMBERS, Topics.setPartitionOf(config.cluster(), setPartitions));
      consumer.assign(List.of(tp, sp));
      consumer.seekToBeginning(List.of(tp, sp));
      Map<TopicPartition, Long> end = consumer.endOffsets(List.of(tp, sp));
      LOG.info(
          "{}reading {} from offset 0 to {} and {} from offset 0 to {} before applying anything",
          prefix,
          tp,
          end.get(tp),
          sp,
          end.get(sp));
      while (running.get()
          && (consumer.position(tp) < end.get(tp) || consumer.position(sp) < end.get(sp))) {
        read(consumer.poll(Duration.ofMillis(500)), consumer, tp, sp);
      }
      catchUpSets(consumer, tp, sp);
      while (running.get()) {
        NodeSync.Step step;
        while (!((step = sync.step(clock.instant())) instanceof NodeSync.Idle)) {
          act(step, consumer, receipts, tp, sp);
        }
        ConsumerRecords<String, byte[]> records =
            consumer.poll(Duration.ofMillis(sync.dirty() ? 50 : 200));
        read(records, consumer, tp, sp);
        if (!records.isEmpty()) {
          catchUpSets(consumer, tp, sp);
        }
        Long endNow = consumer.endOffsets(List.of(tp)).get(tp);
        metrics.lag.set(endNow == null ? -1 : Math.max(0, endNow - consumer.position(tp)));
      }
    } catch (org.apache.kafka.common.errors.WakeupException
        | org.apache.kafka.common.errors.InterruptException e) {
      LOG.info("{}stopping", prefix);
    }
  }

  /**
   * Reads the set partition to its end before anything just read is applied ({@link
   * SetMembersCatchUp}).
   */
  private void catchUpSets(
      KafkaConsumer<String, byte[]> consumer, TopicPartition tp, TopicPartition sp) {
    SetMembersCatchUp.readToEnd(
        consumer,
        tp,
        List.of(sp),
        Duration.ofMillis(200),
        running::get,
        records -> read(records, consumer, tp, sp));
  }

  /** Does the I/O a step of the sync asks for: offsets, receipts, metrics. */
  private void act(
      NodeSync.Step step,
      KafkaConsumer<String, byte[]> consumer,
      KafkaProducer<String, byte[]> receipts,
      TopicPartition tp,
      TopicPartition sp) {
    if (step instanceof NodeSync.Applied a) {
      metrics.applyDuration.record(a.took());
      metrics.applies.increment();
      metrics.rules.set(a.receipt().rules());
      metrics.setMembers.set(a.receipt().setMembers());
      LOG.info(
          "{}applied {} ({} chains changed, +{} -{} set members, {} pods isolated) in {} ms",
          prefix,
          a.full() ? "full state" : "delta",
          a.changedChains(),
          a.addedMembers(),
          a.removedMembers(),
          a.bindings(),
          a.took().toNanos() / 1000 / 1000.0);
      if (onApplied != null) {
        onApplied.accept(sync.applied());
      }
      consumer.commitSync(
          Map.of(
              tp,
              new OffsetAndMetadata(a.position()),
              sp,
              new OffsetAndMetadata(a.receipt().setsOffset())));
      publish(receipts, tp, sp, a);
      metrics.appliedOffset.set(a.position());
      caughtUp.countDown();
    } else if (step instanceof NodeSync.Failed f) {
      metrics.applyFailures.increment();
      publish(receipts, tp, sp, f);
    } else if (step instanceof NodeSync.Current c) {
      // Records for other nodes or clusters: nothing to apply, but the node is current up to here.
      consumer.commitSync(
          Map.of(
              tp,
              new OffsetAndMetadata(c.position()),
              sp,
              new OffsetAndMetadata(c.receipt().setsOffset())));
      publish(receipts, tp, sp, c);
      metrics.appliedOffset.set(c.position());
    } else if (step instanceof NodeSync.Heartbeat h) {
      publish(receipts, tp, sp, h);
    } else if (step instanceof NodeSync.DriftFound) {
      metrics.driftRepairs.increment();
    }
  }

  /**
   * The partition count of {@code topic} ({@code fenceline.node-facts}, {@code
   * fenceline.set-members}), asking until Kafka answers. Meanwhile the kernel keeps whatever rules
   * it holds (this applier touches nothing before it has read its partitions to the end), {@code
   * /healthz} reports not ready with the reason, and a fresh node without rules stays without them:
   * fenceline isolates nothing it has not applied.
   *
   * @return the partition count, or -1 when the applier was closed before Kafka answered
   */
  private int awaitTopic(KafkaConsumer<String, byte[]> consumer, String topic) {
    while (running.get()) {
      String problem;
      try {
        List<org.apache.kafka.common.PartitionInfo> ps =
            consumer.partitionsFor(topic, config.bootRetry());
        if (ps != null && !ps.isEmpty()) {
          return ps.size();
        }
        problem =
            "topic "
                + topic
                + " does not exist at "
                + config.bootstrapServers()
                + " yet (the engine creates it)";
        pauseBeforeRetry(); // an absent topic is answered at once: do not spin
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        problem =
            "cannot reach Kafka at " + config.bootstrapServers() + " (" + e.getMessage() + ")";
      }
      bootError = problem + "; the kernel keeps the rules it had, retrying";
      metrics.bootRetries.increment();
      LOG.warn("{}{}", prefix, bootError);
    }
    return -1;
  }

  private void pauseBeforeRetry() {
    try {
      Thread.sleep(Math.min(config.bootRetry().toMillis(), 2_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.set(false);
    }
  }

  /**
   * Feeds one poll's records of both partitions to the sync (unreadable facts are logged and
   * skipped), then where it has read each to.
   */
  private void read(
      ConsumerRecords<String, byte[]> records,
      KafkaConsumer<String, byte[]> consumer,
      TopicPartition tp,
      TopicPartition sp) {
    for (ConsumerRecord<String, byte[]> r : records) {
      try {
        sync.offer(FactCodec.decode(r.key(), r.value()), source(r));
      } catch (FactFormatException e) {
        LOG.error(
            "{}unreadable fact at {}-{}@{}, skipped: {}",
            prefix,
            r.topic(),
            r.partition(),
            r.offset(),
            e.getMessage());
      }
    }
    sync.readSetsTo(consumer.position(sp));
    sync.readTo(consumer.position(tp), records.records(tp).size());
  }

  private static NodeSync.Source source(ConsumerRecord<String, byte[]> r) {
    Header off = r.headers().lastHeader(FactHeaders.SOURCE_OFFSET);
    Header at = r.headers().lastHeader(FactHeaders.OBSERVED_AT);
    if (off == null) {
      return null;
    }
    return new NodeSync.Source(
        Long.parseLong(new String(off.value(), StandardCharsets.UTF_8)),
        at == null ? null : UtcInstants.parse(new String(at.value(), StandardCharsets.UTF_8)));
  }

  private void publish(
      KafkaProducer<String, byte[]> producer,
      TopicPartition tp,
      TopicPartition sp,
      NodeSync.Reported step) {
    Receipt r = step.receipt().toReceipt(tp.partition(), sp.partition(), 0, clock.instant());
    producer.send(new ProducerRecord<>(Topics.NODE_STATUS, r.key(), r.encode()));
  }

  @Override
  public void close() {
    running.set(false);
  }
}
