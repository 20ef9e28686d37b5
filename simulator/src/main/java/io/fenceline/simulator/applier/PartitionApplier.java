package io.fenceline.simulator.applier;

import io.fenceline.applier.kernel.DryRunNetfilter;
import io.fenceline.applier.sync.NodeSync;
import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.FactFormatException;
import io.fenceline.core.facts.FactKey;
import io.fenceline.core.facts.FactTable;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.render.RenderedNode;
import io.fenceline.kafka.topics.FactHeaders;
import io.fenceline.kafka.topics.Receipt;
import io.fenceline.kafka.topics.Topics;
import io.fenceline.fleet.NodeRef;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
 * The appliers of every node of one {@code fenceline.node-facts} partition, in one consumer, dry
 * run: it reads the partition {@code read_committed} from offset 0 into one fact table per cluster
 * (the store a node's applier keeps: the shared facts of the partition plus bindings; each node's
 * model is {@link FactTable#nodeModel}), and after each poll steps the {@link NodeSync} — the real
 * applier's sync: render, full apply first then deltas, the same restore steps — of each node whose
 * bindings, chains or sets the batch touched, on an in-memory kernel ({@link
 * DryRunNetfilter#inMemory()}, no files); for every node whose kernel state changed it publishes
 * a real {@link Receipt} to {@code fenceline.node-status} and notes in the {@link ConvergenceLog}
 * which source events reached it and when. No kernel is touched.
 */
public final class PartitionApplier implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionApplier.class);

  /** A fact table and its usage index, for one cluster's facts in this partition. */
  private static final class ClusterFacts {
    final FactTable table = new FactTable();
    final UsageIndex index = new UsageIndex();
  }

  /** What a batch did to one chain, set or node: record bytes and the source events involved. */
  private static final class Touch {
    long bytes;
    final Map<Long, SourceEvent> sources = new HashMap<>();

    void add(long size, SourceEvent source) {
      bytes += size;
      if (source != null) {
        sources.putIfAbsent(source.id(), source);
      }
    }

    void add(Touch other) {
      bytes += other.bytes;
      other.sources.forEach(sources::putIfAbsent);
    }
  }

  /** No drift checks or heartbeats on an in-memory kernel: nothing else changes it and nobody reads its age. */
  private static final Duration NEVER = Duration.ofDays(365L * 100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final Map<String, Object> clientProperties;
  private final int partition;
  private final Map<String, NodeState> nodes = new LinkedHashMap<>();
  private final Map<String, ClusterFacts> clusters = new HashMap<>();
  private final ConvergenceLog log;
  private final Clock clock;
  private final boolean publishReceipts;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private volatile long position;
  private volatile long bytesRead;
  private volatile long recordsRead;
  private volatile long nodeApplies;

  public PartitionApplier(String bootstrapServers, Map<String, Object> clientProperties, int partition,
      List<NodeRef> partitionNodes, ConvergenceLog log, Clock clock, boolean publishReceipts) {
    this.bootstrapServers = bootstrapServers;
    this.clientProperties = Map.copyOf(clientProperties);
    this.partition = partition;
    for (NodeRef n : partitionNodes) {
      NodeSync sync = NodeSync.over(new NodeSync.Settings(n.cluster(), n.node(), NEVER, MAX_BACKOFF, NEVER),
          DryRunNetfilter.inMemory(), () -> clusters.computeIfAbsent(n.cluster(), c -> new ClusterFacts()).table
              .nodeModel(n.node()));
      nodes.put(key(n.cluster(), n.node()), new NodeState(n.cluster(), n.node(), sync));
    }
    this.log = log;
    this.clock = clock;
    this.publishReceipts = publishReceipts;
  }

  private static String key(String cluster, String node) {
    return cluster + "/" + node;
  }

  public int partition() {
    return partition;
  }

  /** The next offset to read: everything before it is applied. */
  public long position() {
    return position;
  }

  public long bytesRead() {
    return bytesRead;
  }

  public long recordsRead() {
    return recordsRead;
  }

  public long nodeApplies() {
    return nodeApplies;
  }

  @Override
  public void run() {
    Map<String, Object> consumerProps = new HashMap<>(clientProperties);
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20_000);
    consumerProps.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
    consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "fenceline-sim-applier-" + partition);
    Map<String, Object> producerProps = new HashMap<>(clientProperties);
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    TopicPartition tp = new TopicPartition(Topics.NODE_FACTS, partition);
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
        new ByteArrayDeserializer());
        KafkaProducer<String, byte[]> receipts = new KafkaProducer<>(producerProps, new StringSerializer(),
            new ByteArraySerializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      while (running.get()) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
        long next = consumer.position(tp);
        if (!records.isEmpty()) {
          apply(records, next, receipts);
        }
        position = next;
      }
    } catch (org.apache.kafka.common.errors.WakeupException | org.apache.kafka.common.errors.InterruptException e) {
      LOG.info("[partition {}] stopping", partition);
    } catch (RuntimeException e) {
      LOG.error("[partition {}] simulated appliers failed", partition, e);
      throw e;
    }
  }

  private void apply(ConsumerRecords<String, byte[]> records, long next, KafkaProducer<String, byte[]> receipts) {
    Map<String, Touch> chains = new HashMap<>();
    Map<String, Touch> sets = new HashMap<>();
    Map<String, Touch> touchedNodes = new HashMap<>();
    long batchBytes = 0;
    for (ConsumerRecord<String, byte[]> r : records) {
      long size = size(r);
      batchBytes += size;
      FactCodec.Decoded d;
      try {
        d = FactCodec.decode(r.key(), r.value());
      } catch (FactFormatException e) {
        LOG.error("[partition {}] unreadable fact at offset {}, skipped: {}", partition, r.offset(), e.getMessage());
        continue;
      }
      SourceEvent source = source(r);
      ClusterFacts cf = clusters.computeIfAbsent(d.cluster(), c -> new ClusterFacts());
      cf.table.apply(new FactChange(d.key(), d.value()));
      String scope = d.cluster() + "\0";
      if (d.key() instanceof FactKey.Binding b) {
        cf.index.binding(b, (PodBindingFact) d.value());
        touchedNodes.computeIfAbsent(key(d.cluster(), b.node()), k -> new Touch()).add(size, source);
      } else if (d.key() instanceof FactKey.Chain c) {
        cf.index.chain(c.chainId(), (PolicyChainFact) d.value());
        chains.computeIfAbsent(scope + c.chainId(), k -> new Touch()).add(size, source);
      } else if (d.key() instanceof FactKey.Member m) {
        sets.computeIfAbsent(scope + m.setId(), k -> new Touch()).add(size, source);
      }
    }
    chains.forEach((k, t) -> {
      String cluster = k.substring(0, k.indexOf('\0'));
      for (String node : clusters.get(cluster).index.nodesOfChain(k.substring(k.indexOf('\0') + 1))) {
        touchedNodes.computeIfAbsent(key(cluster, node), x -> new Touch()).add(t);
      }
    });
    sets.forEach((k, t) -> {
      String cluster = k.substring(0, k.indexOf('\0'));
      for (String node : clusters.get(cluster).index.nodesOfSet(k.substring(k.indexOf('\0') + 1))) {
        touchedNodes.computeIfAbsent(key(cluster, node), x -> new Touch()).add(t);
      }
    });
    bytesRead += batchBytes;
    recordsRead += records.count();
    for (Map.Entry<String, Touch> e : touchedNodes.entrySet()) {
      NodeState n = nodes.get(e.getKey());
      if (n == null) {
        continue; // a node the fleet does not know (an earlier run's): nobody applies it
      }
      n.neededBytes += e.getValue().bytes;
      for (SourceEvent source : e.getValue().sources.values()) {
        n.sync.touched(new NodeSync.Source(source.offset(), source.observedAt()));
      }
      n.sync.touched(null);
      n.sync.readTo(next, records.count());
      NodeSync.Step step = n.sync.step(clock.instant());
      if (step instanceof NodeSync.Failed f) {
        LOG.error("[partition {}] {}/{}: apply failed on the in-memory kernel: {}", partition, n.cluster, n.node,
            f.reason());
        continue;
      }
      if (!(step instanceof NodeSync.Applied a) || !a.changed()) {
        continue; // nothing changed on the node: the real applier's empty delta touches nothing either
      }
      RenderedNode rendered = a.rendered();
      n.applied = rendered;
      n.rules = rendered.ruleCount(4) + rendered.ruleCount(6);
      n.setMembers = rendered.sets().stream().mapToInt(s -> s.members().size()).sum();
      n.applies++;
      nodeApplies++;
      Instant at = clock.instant();
      for (SourceEvent s : e.getValue().sources.values()) {
        log.applied(s, at);
      }
      if (publishReceipts) {
        Receipt receipt = a.receipt().toReceipt(partition, a.took().toMillis(), at);
        receipts.send(new ProducerRecord<>(Topics.NODE_STATUS, receipt.key(), receipt.encode()));
      }
    }
  }

  private static long size(ConsumerRecord<String, byte[]> r) {
    long headers = 0;
    for (Header h : r.headers()) {
      headers += h.key().length() + (h.value() == null ? 0 : h.value().length);
    }
    return Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize()) + headers;
  }

  private static SourceEvent source(ConsumerRecord<String, byte[]> r) {
    Header p = r.headers().lastHeader(FactHeaders.SOURCE_PARTITION);
    Header o = r.headers().lastHeader(FactHeaders.SOURCE_OFFSET);
    Header at = r.headers().lastHeader(FactHeaders.OBSERVED_AT);
    if (p == null || o == null || at == null) {
      return null;
    }
    return new SourceEvent(Integer.parseInt(new String(p.value(), StandardCharsets.UTF_8)),
        Long.parseLong(new String(o.value(), StandardCharsets.UTF_8)),
        Instant.parse(new String(at.value(), StandardCharsets.UTF_8)));
  }

  /** The nodes of this partition as their appliers left them (call once the partition is quiet). */
  public List<NodeReport> report() {
    List<NodeReport> out = new ArrayList<>();
    for (NodeState n : nodes.values()) {
      out.add(new NodeReport(n.cluster, n.node, partition, n.rules, n.setMembers, n.applies, n.neededBytes, bytesRead,
          n.applied));
    }
    return out;
  }

  @Override
  public void close() {
    running.set(false);
  }
}
