package io.fenceline.applier;

import io.fenceline.applier.kernel.CommandFailedException;
import io.fenceline.applier.kernel.Netfilter;
import io.fenceline.applier.state.NodeFacts;
import io.fenceline.applier.status.Receipt;
import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.FactFormatException;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.render.NodeRenderer;
import io.fenceline.core.render.PayloadDelta;
import io.fenceline.core.render.RenderedNode;
import io.fenceline.kafka.health.Health;
import io.fenceline.kafka.topics.NodePartitions;
import io.fenceline.kafka.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * The node applier: assigns itself its node's partition of {@code fenceline.node-facts}, reads it
 * {@code read_committed} from offset 0 into {@link NodeFacts}, applies nothing until it has reached
 * the end offset noted at start, then applies the full state (replacing whatever fenceline owned
 * before) and follows the partition, applying what arrives together as one delta. Offsets are
 * committed and a receipt published only after the kernel accepted the change; a failure is
 * retried with backoff from the full desired state. Until caught up — and whenever Kafka is away —
 * the kernel keeps the last rules applied.
 */
public final class Applier implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

  private final ApplierConfig config;
  private final Netfilter netfilter;
  private final Clock clock;
  private final ApplierMetrics metrics;
  private final Consumer<RenderedNode> onApplied;
  private final String prefix;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final NodeFacts facts;

  private RenderedNode applied;
  private NodeModel appliedModel;
  private long sourceOffset = -1;
  private Instant sourceObservedAt;
  private volatile boolean healthy;
  private volatile String lastError;
  private volatile Thread loop;
  private Instant lastPublished = Instant.MIN;

  public Applier(ApplierConfig config, Netfilter netfilter, Clock clock, Consumer<RenderedNode> onApplied) {
    this.config = config;
    this.netfilter = netfilter;
    this.clock = clock;
    this.onApplied = onApplied;
    this.metrics = new ApplierMetrics(config.cluster(), config.node());
    this.facts = new NodeFacts(config.cluster(), config.node());
    this.prefix = "[" + config.cluster() + "/" + config.node() + "] ";
  }

  public boolean healthy() {
    return healthy;
  }

  public String lastError() {
    return lastError;
  }

  public String scrape() {
    return metrics.registry.scrape();
  }

  /** Readiness for {@code /healthz}: the node's rules are applied and the last apply succeeded. */
  public Health readiness() {
    if (healthy) {
      return Health.up();
    }
    return Health.down(lastError == null ? "the node's rules are not applied yet" : lastError);
  }

  /** Liveness for {@code /livez}: the apply loop runs (it retries Kafka and the kernel by itself). */
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
    consumerProps.putAll(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
        // The engine creates the topics with their layout; a consumer must never create one with the broker's defaults.
        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false));
    Map<String, Object> producerProps = new java.util.HashMap<>(config.clientProperties());
    producerProps.putAll(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<String, byte[]> receipts = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer())) {
      int partitions = awaitNodeFactsTopic(consumer);
      if (partitions < 0) {
        return; // closed while Kafka was away: nothing was touched
      }
      TopicPartition tp = new TopicPartition(Topics.NODE_FACTS, NodePartitions.partitionOf(config.cluster(), config.node(), partitions));
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      LOG.info("{}reading partition {} from offset 0 to {} before applying anything", prefix, tp.partition(), end);
      while (running.get() && consumer.position(tp) < end) {
        read(consumer.poll(Duration.ofMillis(500)));
      }
      boolean dirty = true;
      boolean full = true;
      long backoffMillis = 0;
      Instant retryAt = Instant.MIN;
      Instant driftAt = clock.instant().plus(config.driftCheckInterval());
      while (running.get()) {
        if (dirty && !clock.instant().isBefore(retryAt)) {
          long position = consumer.position(tp);
          try {
            apply(full);
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(position)));
            publish(receipts, tp.partition(), position, "ok", null);
            metrics.appliedOffset.set(position);
            dirty = false;
            full = false;
            backoffMillis = 0;
            caughtUp.countDown();
          } catch (CommandFailedException | ApplyRefusedException e) {
            // One bounded line for the receipt: the step, the command, what the kernel or tool said.
            String reason = e instanceof CommandFailedException c ? c.reason() : e.getMessage();
            metrics.applyFailures.increment();
            lastError = reason;
            healthy = false;
            backoffMillis = backoffMillis == 0 ? 500 : Math.min(backoffMillis * 2, config.maxBackoff().toMillis());
            retryAt = clock.instant().plusMillis(backoffMillis);
            LOG.error("{}apply failed, retrying from the full desired state in {} ms: {}", prefix, backoffMillis, reason);
            publish(receipts, tp.partition(), position, "failed", reason);
            full = true;
          }
        }
        if (!dirty && !clock.instant().isBefore(driftAt)) {
          driftAt = clock.instant().plus(config.driftCheckInterval());
          if (drifted()) {
            metrics.driftRepairs.increment();
            dirty = true;
            full = true;
            continue;
          }
        }
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(dirty ? 50 : 200));
        if (read(records)) {
          dirty = true;
        } else if (!dirty && !records.isEmpty()) {
          // Records for other nodes or clusters: nothing to apply, but the node is current up to here.
          long position = consumer.position(tp);
          consumer.commitSync(Map.of(tp, new OffsetAndMetadata(position)));
          publish(receipts, tp.partition(), position, "ok", null);
          metrics.appliedOffset.set(position);
        }
        heartbeatIfDue(receipts, consumer, tp, dirty);
        Long endNow = consumer.endOffsets(List.of(tp)).get(tp);
        metrics.lag.set(endNow == null ? -1 : Math.max(0, endNow - consumer.position(tp)));
      }
    } catch (org.apache.kafka.common.errors.WakeupException | org.apache.kafka.common.errors.InterruptException e) {
      LOG.info("{}stopping", prefix);
    }
  }

  /**
   * The partition count of {@code fenceline.node-facts}, asking until Kafka answers. Meanwhile the
   * kernel keeps whatever rules it holds (this applier touches nothing before it has read its
   * partition to the end), {@code /healthz} reports not ready with the reason, and a fresh node
   * without rules stays without them: fenceline isolates nothing it has not applied.
   *
   * @return the partition count, or -1 when the applier was closed before Kafka answered
   */
  private int awaitNodeFactsTopic(KafkaConsumer<String, byte[]> consumer) {
    while (running.get()) {
      String problem;
      try {
        List<org.apache.kafka.common.PartitionInfo> ps = consumer.partitionsFor(Topics.NODE_FACTS, config.bootRetry());
        if (ps != null && !ps.isEmpty()) {
          return ps.size();
        }
        problem = "topic " + Topics.NODE_FACTS + " does not exist at " + config.bootstrapServers()
            + " yet (the engine creates it)";
        pauseBeforeRetry(); // an absent topic is answered at once: do not spin
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        problem = "cannot reach Kafka at " + config.bootstrapServers() + " (" + e.getMessage() + ")";
      }
      healthy = false;
      lastError = problem + "; the kernel keeps the rules it had, retrying";
      metrics.bootRetries.increment();
      LOG.warn("{}{}", prefix, lastError);
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

  /** Folds records into the node's facts; returns whether any concerned this node. */
  private boolean read(ConsumerRecords<String, byte[]> records) {
    boolean relevant = false;
    for (ConsumerRecord<String, byte[]> r : records) {
      try {
        if (facts.apply(FactCodec.decode(r.key(), r.value()))) {
          relevant = true;
          noteSource(r);
        }
      } catch (FactFormatException e) {
        LOG.error("{}unreadable fact at {}-{}@{}, skipped: {}", prefix, r.topic(), r.partition(), r.offset(), e.getMessage());
      }
    }
    return relevant;
  }

  private void noteSource(ConsumerRecord<String, byte[]> r) {
    Header off = r.headers().lastHeader("fenceline.source.offset");
    Header at = r.headers().lastHeader("fenceline.observed-at");
    if (off != null) {
      long o = Long.parseLong(new String(off.value(), StandardCharsets.UTF_8));
      if (o > sourceOffset) {
        sourceOffset = o;
        sourceObservedAt = at == null ? null : Instant.parse(new String(at.value(), StandardCharsets.UTF_8));
      }
    }
  }

  private void apply(boolean full) {
    long started = System.nanoTime();
    NodeModel model = facts.model();
    RenderedNode next = NodeRenderer.structure(model);
    // The FORWARD jump is checked on full applies only (a lost jump is drift, repaired by a full apply).
    boolean fullApply = full || applied == null;
    boolean jump4 = fullApply && !netfilter.hasForwardJump(4);
    boolean jump6 = fullApply && !netfilter.hasForwardJump(6);
    PayloadDelta.Inventory inventory = fullApply ? netfilter.inventory() : null;
    // The filter steps come from PayloadDelta; the set steps from SetPlan, which orders them so that
    // a refusal leaves the previous rules with their members (see SetPlan and program()).
    PayloadDelta.Delta d = fullApply
        ? PayloadDelta.full(next, inventory, jump4, jump6)
        : PayloadDelta.between(applied, next, false, false);
    SetPlan sets = fullApply
        ? SetPlan.of(next.sets(), SetPlan.namesOnly(inventory.sets()))
        : SetPlan.of(next.sets(), SetPlan.of(applied.sets()));
    program(next, d, sets, fullApply ? !jump4 : true);
    if (appliedModel != null) {
      for (IpAddress ip : ConntrackTargets.between(appliedModel, model)) {
        netfilter.conntrackDelete(ip);
      }
    }
    applied = next;
    appliedModel = model;
    healthy = true;
    lastError = null;
    long micros = (System.nanoTime() - started) / 1000;
    metrics.applyDuration.record(Duration.ofNanos(micros * 1000));
    metrics.applies.increment();
    metrics.rules.set(next.ruleCount(4) + next.ruleCount(6));
    metrics.setMembers.set(next.sets().stream().mapToInt(s -> s.members().size()).sum());
    LOG.info("{}applied {} ({} chains changed, +{} -{} set members, {} pods isolated) in {} ms", prefix,
        full ? "full state" : "delta", d.changedChains(), sets.added(), sets.removed(),
        model.bindings().size(), micros / 1000.0);
    onApplied.accept(next);
  }

  /**
   * Runs the steps of one apply: {@code ipset restore} of what the new rules need (additions only),
   * {@code iptables-restore} IPv4 then IPv6 (each atomic), then {@code ipset restore} of the removals.
   * When the kernel refuses a step before the new rules are complete, what the earlier steps did is
   * taken back, so the kernel holds the previously applied chains and set members, and the refusal
   * is thrown with the reason and that outcome (for the receipt).
   *
   * @param jump4Before whether IPv4 FORWARD held the jump before this apply
   */
  private void program(RenderedNode next, PayloadDelta.Delta d, SetPlan sets, boolean jump4Before) {
    String prepare = sets.prepare();
    try {
      netfilter.ipsetRestore(prepare);
    } catch (CommandFailedException e) {
      // ipset restore is not atomic: the lines before the refused one took effect.
      int executed = e.failedLine().isPresent() ? e.failedLine().getAsInt() - 1 : sets.prepareLines().size();
      throw refused("ipset restore of the new sets and members", e, takeBack(sets.undo(executed), null));
    }
    boolean twoFamilies = !d.filter4().isEmpty() && !d.filter6().isEmpty();
    Map<String, List<String>> before4 = !twoFamilies ? null : applied != null ? applied.chains4() : netfilter.ownedRules(4);
    try {
      netfilter.filterRestore(4, d.filter4());
    } catch (CommandFailedException e) {
      throw refused("iptables-restore of the IPv4 rules", e, takeBack(sets.undoAll(), null));
    }
    try {
      netfilter.filterRestore(6, d.filter6());
    } catch (CommandFailedException e) {
      String rollback4 = twoFamilies ? FilterRollback.text(before4, jump4Before, next.chains4().keySet(), next.forwardJump()) : null;
      throw refused("iptables-restore of the IPv6 rules", e, takeBack(sets.undoAll(), rollback4));
    }
    try {
      netfilter.ipsetRestore(sets.cleanup());
    } catch (CommandFailedException e) {
      throw new ApplyRefusedException("ipset restore of the removals (after the new rules were applied) refused: "
          + e.reason() + "; the new rules are in place, stale members or sets remain until the retry", e);
    }
  }

  /** Puts back the IPv4 rules (if given), then takes back the set additions; says what the kernel holds. */
  private String takeBack(String undoSets, String rollback4) {
    try {
      if (rollback4 != null) {
        netfilter.filterRestore(4, rollback4);
      }
      netfilter.ipsetRestore(undoSets);
      return "the previous rules and set members stay";
    } catch (CommandFailedException e) {
      LOG.error("{}taking back the partial apply failed: {}", prefix, e.reason());
      return "taking back the partial apply failed too (" + e.reason() + ")";
    }
  }

  private static ApplyRefusedException refused(String step, CommandFailedException e, String outcome) {
    return new ApplyRefusedException(step + " refused: " + e.reason() + "; " + outcome, e);
  }

  /** Compares what the kernel holds with what was applied: chains, rule counts, set sizes, the jump. */
  private boolean drifted() {
    try {
      for (int family : new int[] {4, 6}) {
        Map<String, Integer> have = netfilter.ruleCounts(family);
        Map<String, List<String>> want = applied.chains(family);
        boolean same = have.size() == want.size()
            && want.entrySet().stream().allMatch(e -> Integer.valueOf(e.getValue().size()).equals(have.get(e.getKey())));
        if (!same || !netfilter.hasForwardJump(family)) {
          LOG.warn("{}drift in the IPv{} filter table (chains or rules changed by someone else): repairing", prefix, family);
          return true;
        }
      }
      Map<String, Integer> sizes = netfilter.setSizes();
      for (var s : applied.sets()) {
        if (!Integer.valueOf(s.members().size()).equals(sizes.get(s.name()))) {
          LOG.warn("{}drift in set {} ({} members, expected {}): repairing", prefix, s.name(), sizes.get(s.name()),
              s.members().size());
          return true;
        }
      }
      return false;
    } catch (CommandFailedException e) {
      LOG.warn("{}drift check failed: {}", prefix, e.getMessage());
      return false;
    }
  }

  /**
   * When nothing was published for {@link ApplierConfig#heartbeatInterval()}, publishes the current
   * state again: {@code ok} at the position when everything read is applied, or the failure being
   * retried. Receipts then say the applier runs even when nothing changes (see {@code status --stale-after}).
   */
  private void heartbeatIfDue(KafkaProducer<String, byte[]> receipts, KafkaConsumer<String, byte[]> consumer,
      TopicPartition tp, boolean dirty) {
    if (clock.instant().isBefore(lastPublished.plus(config.heartbeatInterval()))) {
      return;
    }
    if (!dirty) {
      publish(receipts, tp.partition(), consumer.position(tp), "ok", null);
    } else if (!healthy && lastError != null) {
      publish(receipts, tp.partition(), consumer.position(tp), "failed", lastError);
    }
    // dirty without a failure: the apply runs in this loop's next turn and publishes its receipt
  }

  private void publish(KafkaProducer<String, byte[]> producer, int partition, long position, String result, String error) {
    lastPublished = clock.instant();
    Receipt r = new Receipt(Receipt.CURRENT_VERSION, config.cluster(), config.node(), partition, position, sourceOffset,
        sourceObservedAt, result, error, 0, clock.instant(), applied == null ? 0 : applied.ruleCount(4) + applied.ruleCount(6),
        applied == null ? 0 : applied.sets().stream().mapToInt(s -> s.members().size()).sum());
    producer.send(new ProducerRecord<>(Topics.NODE_STATUS, r.key(), r.encode()));
  }

  @Override
  public void close() {
    running.set(false);
  }
}
