package io.fenceline.simulator.applier;

import io.fenceline.applier.SetMembersCatchUp;
import io.fenceline.applier.kernel.DryRunNetfilter;
import io.fenceline.applier.sync.DesiredNode;
import io.fenceline.applier.sync.NodeSync;
import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.FactFormatException;
import io.fenceline.core.facts.FactKey;
import io.fenceline.core.facts.FactTable;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.facts.SetEntry;
import io.fenceline.core.time.UtcInstants;
import io.fenceline.fleet.NodeRef;
import io.fenceline.kafka.topics.FactHeaders;
import io.fenceline.kafka.topics.Receipt;
import io.fenceline.kafka.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * DryRunNetfilter#inMemory()}, no files); for every node whose kernel state changed it publishes a
 * real {@link Receipt} to {@code fenceline.node-status} and notes in the {@link ConvergenceLog}
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
    long memberBytes;
    final Map<Long, SourceEvent> sources = new HashMap<>();
    final List<FactKey> keys = new ArrayList<>();

    void add(long size, SourceEvent source, FactKey key) {
      bytes += size;
      if (key instanceof FactKey.Member) {
        memberBytes += size;
      }
      keys.add(key);
      if (source != null) {
        sources.putIfAbsent(source.id(), source);
      }
    }

    void add(Touch other) {
      bytes += other.bytes;
      memberBytes += other.memberBytes;
      keys.addAll(other.keys);
      other.sources.forEach(sources::putIfAbsent);
    }
  }

  /** One node's desired state, read from its cluster's table in this partition. */
  private record TableNode(ClusterFacts facts, String node) implements DesiredNode {
    @Override
    public NodeModel model() {
      return facts.table.nodeModel(node);
    }

    @Override
    public NodeModel structure() {
      return facts.table.nodeStructure(node);
    }

    @Override
    public SortedSet<SetEntry> members(String setId) {
      return facts.table.members(setId);
    }
  }

  /**
   * No drift checks or heartbeats on an in-memory kernel: nothing else changes it and nobody reads
   * its age.
   */
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

  /**
   * How far each set-members partition this applier reads has been applied (next offset to read).
   */
  private volatile Map<TopicPartition, Long> setPositions = Map.of();

  private volatile long bytesRead;

  /**
   * Bytes read per partition (node-facts and set-members), for what one node's applier would read.
   */
  private final Map<TopicPartition, Long> bytesByPartition =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The set-members partition of each cluster this applier's nodes belong to (set when it starts).
   */
  private volatile Map<String, TopicPartition> setPartitions = Map.of();

  private volatile long recordsRead;
  private volatile long nodeApplies;

  public PartitionApplier(
      String bootstrapServers,
      Map<String, Object> clientProperties,
      int partition,
      List<NodeRef> partitionNodes,
      ConvergenceLog log,
      Clock clock,
      boolean publishReceipts) {
    this.bootstrapServers = bootstrapServers;
    this.clientProperties = Map.copyOf(clientProperties);
    this.partition = partition;
    for (NodeRef n : partitionNodes) {
      NodeSync sync =
          NodeSync.over(
              new NodeSync.Settings(n.cluster(), n.node(), NEVER, MAX_BACKOFF, NEVER),
              DryRunNetfilter.inMemory(),
              new TableNode(
                  clusters.computeIfAbsent(n.cluster(), c -> new ClusterFacts()), n.node()));
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

  /**
   * The set-members partitions this applier reads (its nodes' clusters'), each with the next offset
   * to read.
   */
  public Map<TopicPartition, Long> setPositions() {
    return setPositions;
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
    try (KafkaConsumer<String, byte[]> consumer =
            new KafkaConsumer<>(
                consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<String, byte[]> receipts =
            new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer())) {
      int setPartitions = consumer.partitionsFor(Topics.SET_MEMBERS).size();
      Map<String, TopicPartition> setPartitionOf = new HashMap<>();
      for (NodeState n : nodes.values()) {
        setPartitionOf.computeIfAbsent(
            n.cluster,
            c -> new TopicPartition(Topics.SET_MEMBERS, Topics.setPartitionOf(c, setPartitions)));
      }
      List<TopicPartition> sps =
          List.copyOf(new java.util.LinkedHashSet<>(setPartitionOf.values()));
      this.setPartitions = Map.copyOf(setPartitionOf);
      List<TopicPartition> all = new ArrayList<>(sps);
      all.add(tp);
      consumer.assign(all);
      consumer.seekToBeginning(all);
      while (running.get()) {
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        consumer.poll(Duration.ofMillis(100)).forEach(batch::add);
        if (!batch.isEmpty()) {
          catchUpSets(consumer, tp, sps, batch);
        }
        long next = consumer.position(tp);
        Map<TopicPartition, Long> sets = new HashMap<>();
        sps.forEach(sp -> sets.put(sp, consumer.position(sp)));
        if (!batch.isEmpty()) {
          for (NodeState n : nodes.values()) {
            n.sync.readSetsTo(sets.get(setPartitionOf.get(n.cluster)));
          }
          apply(batch, next, receipts, setPartitionOf);
        }
        position = next;
        setPositions = Map.copyOf(sets);
      }
    } catch (org.apache.kafka.common.errors.WakeupException
        | org.apache.kafka.common.errors.InterruptException e) {
      LOG.info("[partition {}] stopping", partition);
    } catch (RuntimeException e) {
      LOG.error("[partition {}] simulated appliers failed", partition, e);
      throw e;
    }
  }

  /** Reads the set partitions to their ends before a batch is applied, as the node applier does. */
  private void catchUpSets(
      KafkaConsumer<String, byte[]> consumer,
      TopicPartition tp,
      List<TopicPartition> sps,
      List<ConsumerRecord<String, byte[]>> batch) {
    SetMembersCatchUp.readToEnd(
        consumer,
        tp,
        sps,
        Duration.ofMillis(100),
        running::get,
        records -> records.forEach(batch::add));
  }

  private void apply(
      List<ConsumerRecord<String, byte[]>> records,
      long next,
      KafkaProducer<String, byte[]> receipts,
      Map<String, TopicPartition> setPartitionOf) {
    Map<String, Touch> chains = new HashMap<>();
    Map<String, Touch> sets = new HashMap<>();
    Map<String, Touch> touchedNodes = new HashMap<>();
    long batchBytes = 0;
    for (ConsumerRecord<String, byte[]> r : records) {
      long size = size(r);
      batchBytes += size;
      bytesByPartition.merge(new TopicPartition(r.topic(), r.partition()), size, Long::sum);
      FactCodec.Decoded d;
      try {
        d = FactCodec.decode(r.key(), r.value());
      } catch (FactFormatException e) {
        LOG.error(
            "[partition {}] unreadable fact at offset {}, skipped: {}",
            partition,
            r.offset(),
            e.getMessage());
        continue;
      }
      SourceEvent source = source(r);
      ClusterFacts cf = clusters.computeIfAbsent(d.cluster(), c -> new ClusterFacts());
      cf.table.apply(new FactChange(d.key(), d.value()));
      String scope = d.cluster() + "\0";
      if (d.key() instanceof FactKey.Binding b) {
        cf.index.binding(b, (PodBindingFact) d.value());
        touchedNodes
            .computeIfAbsent(key(d.cluster(), b.node()), k -> new Touch())
            .add(size, source, b);
      } else if (d.key() instanceof FactKey.Chain c) {
        cf.index.chain(c.chainId(), (PolicyChainFact) d.value());
        chains.computeIfAbsent(scope + c.chainId(), k -> new Touch()).add(size, source, c);
      } else if (d.key() instanceof FactKey.Member m) {
        sets.computeIfAbsent(scope + m.setId(), k -> new Touch()).add(size, source, m);
      }
    }
    chains.forEach(
        (k, t) -> {
          String cluster = k.substring(0, k.indexOf('\0'));
          for (String node :
              clusters.get(cluster).index.nodesOfChain(k.substring(k.indexOf('\0') + 1))) {
            touchedNodes.computeIfAbsent(key(cluster, node), x -> new Touch()).add(t);
          }
        });
    sets.forEach(
        (k, t) -> {
          String cluster = k.substring(0, k.indexOf('\0'));
          for (String node :
              clusters.get(cluster).index.nodesOfSet(k.substring(k.indexOf('\0') + 1))) {
            touchedNodes.computeIfAbsent(key(cluster, node), x -> new Touch()).add(t);
          }
        });
    bytesRead += batchBytes;
    recordsRead += records.size();
    for (Map.Entry<String, Touch> e : touchedNodes.entrySet()) {
      NodeState n = nodes.get(e.getKey());
      if (n == null) {
        continue; // a node the fleet does not know (an earlier run's): nobody applies it
      }
      n.neededBytes += e.getValue().bytes;
      n.neededMemberBytes += e.getValue().memberBytes;
      e.getValue().keys.forEach(n.sync::changed);
      for (SourceEvent source : e.getValue().sources.values()) {
        n.sync.touched(new NodeSync.Source(source.offset(), source.observedAt()));
      }
      n.sync.touched(null);
      n.sync.readTo(next, records.size());
      NodeSync.Step step = n.sync.step(clock.instant());
      if (step instanceof NodeSync.Failed f) {
        LOG.error(
            "[partition {}] {}/{}: apply failed on the in-memory kernel: {}",
            partition,
            n.cluster,
            n.node,
            f.reason());
        continue;
      }
      if (!(step instanceof NodeSync.Applied a) || !a.changed()) {
        continue; // nothing changed on the node: the real applier's empty delta touches nothing
        // either
      }
      n.rules = a.receipt().rules();
      n.setMembers = a.receipt().setMembers();
      n.applies++;
      nodeApplies++;
      Instant at = clock.instant();
      for (SourceEvent s : e.getValue().sources.values()) {
        log.applied(s, at);
      }
      if (publishReceipts) {
        Receipt receipt =
            a.receipt()
                .toReceipt(
                    partition, setPartitionOf.get(n.cluster).partition(), a.took().toMillis(), at);
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
    return new SourceEvent(
        Integer.parseInt(new String(p.value(), StandardCharsets.UTF_8)),
        Long.parseLong(new String(o.value(), StandardCharsets.UTF_8)),
        UtcInstants.parse(new String(at.value(), StandardCharsets.UTF_8)));
  }

  /** The nodes of this partition as their appliers left them (call once the partition is quiet). */
  public List<NodeReport> report() {
    List<NodeReport> out = new ArrayList<>();
    for (NodeState n : nodes.values()) {
      out.add(
          new NodeReport(
              n.cluster,
              n.node,
              partition,
              n.rules,
              n.setMembers,
              n.applies,
              n.neededBytes,
              n.neededMemberBytes,
              // A node's own applier reads its node-facts partition and its cluster's set-members
              // partition, not every set partition this shared consumer reads for its nodes.
              bytesByPartition.getOrDefault(new TopicPartition(Topics.NODE_FACTS, partition), 0L),
              setBytes(n.cluster),
              n.sync.applied()));
    }
    return out;
  }

  private long setBytes(String cluster) {
    TopicPartition sp = setPartitions.get(cluster);
    return sp == null ? 0 : bytesByPartition.getOrDefault(sp, 0L);
  }

  @Override
  public void close() {
    running.set(false);
  }
}
