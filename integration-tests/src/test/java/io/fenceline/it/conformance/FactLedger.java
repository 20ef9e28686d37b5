package io.fenceline.it.conformance;

import io.fenceline.core.compile.PolicyCompiler;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventFold;
import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.FactFormatException;
import io.fenceline.core.facts.FactKey;
import io.fenceline.core.facts.FactTable;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.facts.PartitionRouter;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.facts.SetEntry;
import io.fenceline.core.facts.SetMemberFact;
import io.fenceline.core.facts.SetRef;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.kafka.topics.FactHeaders;
import io.fenceline.kafka.topics.NodePartitions;
import io.fenceline.kafka.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What the engine wrote, read back with {@code read_committed} from offset 0, against what it must
 * have written.
 *
 * <p>The exact measure of "no fact lost or written twice" is a ledger: per output partition and
 * source event ({@link Origin}: topic, partition, {@code fenceline.source.partition}, {@code
 * fenceline.source.offset}), how many times each (key, value) was written. The expected ledger is
 * the output of one uninterrupted engine: the committed event log replayed, partition by partition
 * in log order, through the same fold ({@link EventFold}), compiler ({@link PolicyCompiler}) and
 * router ({@link PartitionRouter}) the engine's processor runs, routed as it routes (bindings and
 * chains to the node-facts partitions named, members to the cluster's set-members partition). Any
 * count above the expected one is a duplicate (a reprocessed event whose first output was committed
 * too, or an aborted transaction's records visible to {@code read_committed}); any count below is a
 * lost fact. A legitimate repeat of the same tuple inside one event's output (if the compiler ever
 * made one) is in the expected ledger as well, so the check is exact, not "no tuple twice". Only
 * the order of records inside one event's output is not compared: a successor rebuilds its compiler
 * from the object store, in store order, and may emit the same facts of one event in another order.
 *
 * <p>It also folds the output as appliers do (a node's node-facts partition plus its cluster's
 * set-members partition into one {@link FactTable}) for the comparison with a from-scratch compile.
 */
final class FactLedger {
  /** Where a record was written and which event caused it. */
  record Origin(String topic, int partition, int sourcePartition, long sourceOffset)
      implements Comparable<Origin> {
    @Override
    public int compareTo(Origin o) {
      int c = topic.compareTo(o.topic);
      if (c == 0) {
        c = Integer.compare(partition, o.partition);
      }
      if (c == 0) {
        c = Integer.compare(sourcePartition, o.sourcePartition);
      }
      return c != 0 ? c : Long.compare(sourceOffset, o.sourceOffset);
    }

    @Override
    public String toString() {
      return topic
          + "-"
          + partition
          + " from "
          + Topics.EVENTS
          + "-"
          + sourcePartition
          + "@"
          + sourceOffset;
    }
  }

  /** One record's key and value (UTF-8 JSON, null for a tombstone). */
  record Written(String key, String value) {
    @Override
    public String toString() {
      return key + " = " + (value == null ? "(tombstone)" : value);
    }
  }

  private final TreeMap<Origin, Map<Written, Integer>> counts = new TreeMap<>();
  private long records;

  long records() {
    return records;
  }

  private void add(Origin origin, Written w) {
    counts.computeIfAbsent(origin, o -> new LinkedHashMap<>()).merge(w, 1, Integer::sum);
    records++;
  }

  /**
   * Every difference between {@code expected} and {@code actual}, at most {@code limit} described.
   */
  static List<String> differences(FactLedger expected, FactLedger actual, int limit) {
    List<String> out = new ArrayList<>();
    long duplicated = 0;
    long lost = 0;
    TreeSet<Origin> origins = new TreeSet<>(expected.counts.keySet());
    origins.addAll(actual.counts.keySet());
    for (Origin o : origins) {
      Map<Written, Integer> e = expected.counts.getOrDefault(o, Map.of());
      Map<Written, Integer> a = actual.counts.getOrDefault(o, Map.of());
      LinkedHashMap<Written, Integer> all = new LinkedHashMap<>(e);
      a.keySet().forEach(w -> all.putIfAbsent(w, 0));
      for (Written w : all.keySet()) {
        int want = e.getOrDefault(w, 0);
        int got = a.getOrDefault(w, 0);
        if (got > want) {
          duplicated += got - want;
        } else if (got < want) {
          lost += want - got;
        }
        if (got != want && out.size() < limit) {
          out.add(
              (got > want ? "written " + got + " times, expected " + want : "LOST (written ")
                  + (got > want ? "" : got + " times, expected " + want + ")")
                  + ": "
                  + o
                  + ": "
                  + abbreviate(w.toString()));
        }
      }
    }
    if (duplicated + lost > 0) {
      out.add(
          0,
          duplicated
              + " records more and "
              + lost
              + " fewer than one uninterrupted engine writes (expected "
              + expected.records
              + " records, read "
              + actual.records
              + "):");
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  // ---- what the engine wrote ----

  /** The engine's output as read: the ledger, and the fold as appliers hold it. */
  static final class Output {
    final FactLedger ledger = new FactLedger();

    /** Records that are not what the engine writes (headers, format, partition). */
    final List<String> malformed = new ArrayList<>();

    private final int factPartitions;

    /** Per (node-facts partition, cluster): bindings, chains and the cluster's members. */
    private final Map<String, FactTable> tables = new TreeMap<>();

    /** Per (node-facts partition, cluster): the chains held there. */
    private final Map<String, Map<String, PolicyChainFact>> chains = new TreeMap<>();

    /** Per cluster: the set members in force (set id → entries). */
    private final Map<String, Map<String, SortedSet<SetEntry>>> members = new TreeMap<>();

    Output(
        List<ConsumerRecord<String, byte[]>> nodeFacts,
        List<ConsumerRecord<String, byte[]>> setMembers,
        int eventPartitions,
        int factPartitions) {
      this.factPartitions = factPartitions;
      for (ConsumerRecord<String, byte[]> r : nodeFacts) {
        FactCodec.Decoded d = read(r);
        if (d == null) {
          continue;
        }
        String where = r.partition() + "|" + d.cluster();
        tables
            .computeIfAbsent(where, k -> new FactTable())
            .apply(new FactChange(d.key(), d.value()));
        if (d.key() instanceof FactKey.Chain c) {
          Map<String, PolicyChainFact> held = chains.computeIfAbsent(where, k -> new TreeMap<>());
          if (d.value() == null) {
            held.remove(c.chainId());
          } else {
            held.put(c.chainId(), (PolicyChainFact) d.value());
          }
        } else if (d.key() instanceof FactKey.Member) {
          malformed.add(r.topic() + "-" + r.partition() + "@" + r.offset() + ": a set member");
        }
      }
      for (ConsumerRecord<String, byte[]> r : setMembers) {
        FactCodec.Decoded d = read(r);
        if (d == null) {
          continue;
        }
        String where = r.topic() + "-" + r.partition() + "@" + r.offset();
        if (!(d.key() instanceof FactKey.Member m)) {
          malformed.add(where + ": not a set member: " + d.key());
          continue;
        }
        int want = Topics.setPartitionOf(d.cluster(), eventPartitions);
        if (r.partition() != want) {
          malformed.add(where + ": a member of " + d.cluster() + " outside its partition " + want);
        }
        Map<String, SortedSet<SetEntry>> sets =
            members.computeIfAbsent(d.cluster(), c -> new TreeMap<>());
        if (d.value() == null) {
          SortedSet<SetEntry> s = sets.get(m.setId());
          if (s != null) {
            s.remove(m.entry());
            if (s.isEmpty()) {
              sets.remove(m.setId());
            }
          }
        } else {
          sets.computeIfAbsent(m.setId(), k -> new TreeSet<>()).add(m.entry());
        }
      }
      // Each partition's table gets its cluster's members, as an applier folds its set partition
      // in.
      tables.forEach(
          (where, table) ->
              members
                  .getOrDefault(where.substring(where.indexOf('|') + 1), Map.of())
                  .forEach(
                      (set, entries) ->
                          entries.forEach(
                              e -> {
                                SetMemberFact f = new SetMemberFact(set, e);
                                table.apply(new FactChange(f.key(), f));
                              })));
    }

    private FactCodec.Decoded read(ConsumerRecord<String, byte[]> r) {
      String where = r.topic() + "-" + r.partition() + "@" + r.offset();
      String cluster = header(r, FactHeaders.CLUSTER);
      String sp = header(r, FactHeaders.SOURCE_PARTITION);
      String so = header(r, FactHeaders.SOURCE_OFFSET);
      if (cluster == null
          || sp == null
          || so == null
          || header(r, FactHeaders.OBSERVED_AT) == null) {
        malformed.add(where + ": headers missing (" + r.headers() + ")");
        return null;
      }
      FactCodec.Decoded d;
      try {
        d = FactCodec.decode(r.key(), r.value());
      } catch (FactFormatException e) {
        malformed.add(where + ": " + e.getMessage());
        return null;
      }
      if (!d.cluster().equals(cluster)) {
        malformed.add(where + ": key of cluster " + d.cluster() + ", header " + cluster);
      }
      ledger.add(
          new Origin(r.topic(), r.partition(), Integer.parseInt(sp), Long.parseLong(so)),
          new Written(
              r.key(), r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)));
      return d;
    }

    /** The node as its applier holds it: its partition's table with its cluster's members. */
    NodeModel node(String cluster, String node) {
      FactTable t =
          tables.get(NodePartitions.partitionOf(cluster, node, factPartitions) + "|" + cluster);
      return (t == null ? new FactTable() : t).nodeModel(node);
    }

    /** Nodes of {@code cluster} that have bindings in some partition. */
    SortedSet<String> nodes(String cluster) {
      SortedSet<String> out = new TreeSet<>();
      tables.forEach(
          (where, t) -> {
            if (where.endsWith("|" + cluster)) {
              out.addAll(t.nodesWithBindings());
            }
          });
      return out;
    }

    /**
     * What the output holds that no reader needs: a binding in a partition that is not its node's,
     * a chain in a partition where no binding uses it, a set's members that no chain held uses (the
     * router tombstones each when its last user goes).
     */
    List<String> leftovers() {
      List<String> out = new ArrayList<>();
      Map<String, java.util.Set<String>> usedSets = new TreeMap<>();
      tables.forEach(
          (where, t) -> {
            int partition = Integer.parseInt(where.substring(0, where.indexOf('|')));
            String cluster = where.substring(where.indexOf('|') + 1);
            java.util.Set<String> used = new TreeSet<>();
            for (String node : t.nodesWithBindings()) {
              if (NodePartitions.partitionOf(cluster, node, factPartitions) != partition) {
                out.add(
                    Topics.NODE_FACTS
                        + "-"
                        + partition
                        + ": bindings of "
                        + cluster
                        + "/"
                        + node
                        + ", whose partition is another");
              }
              for (PodBindingFact b : t.nodeStructure(node).bindings()) {
                used.addAll(b.allChains());
              }
            }
            Map<String, PolicyChainFact> held = chains.getOrDefault(where, Map.of());
            for (Map.Entry<String, PolicyChainFact> c : held.entrySet()) {
              if (!used.contains(c.getKey())) {
                out.add(
                    Topics.NODE_FACTS
                        + "-"
                        + partition
                        + ": chain "
                        + c.getKey()
                        + " of "
                        + cluster
                        + " ("
                        + c.getValue().policy()
                        + ") held but used by no binding there");
              }
              c.getValue()
                  .sets()
                  .forEach(
                      s -> usedSets.computeIfAbsent(cluster, k -> new TreeSet<>()).add(s.id()));
            }
          });
      members.forEach(
          (cluster, sets) ->
              sets.keySet().stream()
                  .filter(s -> !usedSets.getOrDefault(cluster, java.util.Set.of()).contains(s))
                  .forEach(
                      s ->
                          out.add(
                              Topics.SET_MEMBERS
                                  + ": members of set "
                                  + s
                                  + " of "
                                  + cluster
                                  + " in force, but no chain held uses the set")));
      return out;
    }
  }

  private static String header(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  // ---- what one uninterrupted engine writes ----

  /**
   * The ledger of one engine that never stopped: {@code events} (every committed record of {@code
   * fenceline.events}, each partition in log order) through the processor's fold, compiler and
   * router.
   */
  static FactLedger replay(
      List<ConsumerRecord<String, byte[]>> events, int eventPartitions, int factPartitions) {
    FactLedger ledger = new FactLedger();
    Map<String, MemoryStore> stores = new HashMap<>();
    Map<String, PolicyCompiler> compilers = new HashMap<>();
    Map<String, PartitionRouter> routers = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : events) {
      EventFold.Read read = EventFold.read(r.key(), r.value());
      if (!read.accepted()) {
        continue; // a dead letter: no fact
      }
      ChangeEvent e = read.event();
      String cluster = e.cluster();
      EventFold.Step step =
          EventFold.apply(
              read,
              r.topic() + "-" + r.partition() + "@" + r.offset(),
              stores.computeIfAbsent(cluster, c -> new MemoryStore()));
      PolicyCompiler compiler = compilers.computeIfAbsent(cluster, c -> new PolicyCompiler());
      PartitionRouter router =
          routers.computeIfAbsent(
              cluster,
              c -> new PartitionRouter(n -> NodePartitions.partitionOf(c, n, factPartitions)));
      for (ClusterChange c : step.changes()) {
        for (PartitionRouter.Routed routed : router.route(compiler.apply(c))) {
          FactChange fc = routed.change();
          Written w =
              new Written(
                  FactCodec.keyText(cluster, fc.key()),
                  fc.value() == null
                      ? null
                      : new String(FactCodec.encode(fc.value()), StandardCharsets.UTF_8));
          if (routed.shared()) {
            ledger.add(
                new Origin(
                    Topics.SET_MEMBERS,
                    Topics.setPartitionOf(cluster, eventPartitions),
                    r.partition(),
                    r.offset()),
                w);
          } else {
            for (int p : routed.partitions()) {
              ledger.add(new Origin(Topics.NODE_FACTS, p, r.partition(), r.offset()), w);
            }
          }
        }
      }
    }
    return ledger;
  }

  /** The fold's store in memory, as the forensic replay keeps it. */
  private static final class MemoryStore implements EventFold.Store {
    private final TreeMap<String, ChangeEvent> objects = new TreeMap<>();

    private static String key(Kind kind, ObjectKey key) {
      return kind.apiName() + "\0" + key.namespace() + "\0" + key.name();
    }

    @Override
    public void put(Kind kind, ObjectKey key, ChangeEvent event, ClusterObject object) {
      objects.put(key(kind, key), event);
    }

    @Override
    public void remove(Kind kind, ObjectKey key) {
      objects.remove(key(kind, key));
    }

    @Override
    public List<ObjectKey> olderThan(Kind kind, long generation) {
      List<ObjectKey> stale = new ArrayList<>();
      String prefix = kind.apiName() + "\0";
      objects.forEach(
          (k, e) -> {
            if (k.startsWith(prefix) && e.generation() < generation) {
              String[] p = k.split("\0", -1);
              stale.add(new ObjectKey(p[1], p[2]));
            }
          });
      stale.sort(null);
      return stale;
    }
  }

  // ---- reading ----

  /**
   * Every committed record of {@code topic}, each partition from offset 0 to its last stable offset
   * now, partition by partition in log order.
   */
  static List<ConsumerRecord<String, byte[]>> readCommitted(
      String bootstrap, String topic, int partitions) {
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                5000),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        tps.add(new TopicPartition(topic, p));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps); // read_committed: the last stable offsets
      Map<Integer, List<ConsumerRecord<String, byte[]>>> byPartition = new TreeMap<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "could not read "
                  + topic
                  + " to its end within 60 s: at "
                  + tps.stream().map(tp -> tp + "@" + c.position(tp) + "/" + end.get(tp)).toList());
        }
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r);
          }
        }
      }
      List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
      byPartition.values().forEach(out::addAll);
      return out;
    }
  }

  // ---- nodes against a from-scratch compile ----

  /** What differs between a node as compiled from scratch and as the engine's output has it. */
  static List<String> nodeDifferences(NodeModel expected, NodeModel actual) {
    List<String> out = new ArrayList<>();
    Map<ObjectKey, PodBindingFact> eb = new TreeMap<>();
    expected.bindings().forEach(b -> eb.put(b.pod(), b));
    Map<ObjectKey, PodBindingFact> ab = new TreeMap<>();
    actual.bindings().forEach(b -> ab.put(b.pod(), b));
    diff("binding", eb, ab, out);
    diff("chain", expected.chains(), actual.chains(), out);
    Map<String, SortedSet<SetEntry>> es = new TreeMap<>();
    expected.sets().forEach((ref, entries) -> es.put(describe(ref), entries));
    Map<String, SortedSet<SetEntry>> as = new TreeMap<>();
    actual.sets().forEach((ref, entries) -> as.put(describe(ref), entries));
    for (String set : union(es.keySet(), as.keySet())) {
      SortedSet<SetEntry> e = es.get(set);
      SortedSet<SetEntry> a = as.get(set);
      if (e == null || a == null) {
        out.add("set " + set + ": " + (e == null ? "not in the compile" : "missing"));
        continue;
      }
      TreeSet<SetEntry> missing = new TreeSet<>(e);
      missing.removeAll(a);
      TreeSet<SetEntry> extra = new TreeSet<>(a);
      extra.removeAll(e);
      if (!missing.isEmpty() || !extra.isEmpty()) {
        out.add("set " + set + ": members missing " + missing + ", members extra " + extra);
      }
    }
    if (!expected.missingChains().equals(actual.missingChains())) {
      out.add(
          "chains named but absent: compile "
              + expected.missingChains()
              + ", engine output "
              + actual.missingChains());
    }
    if (out.isEmpty() && !expected.equals(actual)) {
      out.add("models differ: compile " + expected + "\nengine output " + actual);
    }
    return out;
  }

  private static String describe(SetRef ref) {
    return ref.id() + " (" + ref.kind() + ", " + ref.definition() + ")";
  }

  private static <K, V> void diff(
      String what, Map<K, V> expected, Map<K, V> actual, List<String> out) {
    for (K k : union(expected.keySet(), actual.keySet())) {
      V e = expected.get(k);
      V a = actual.get(k);
      if (!Objects.equals(e, a)) {
        out.add(
            what
                + " "
                + k
                + ": "
                + (e == null
                    ? "not in the compile, engine output has " + abbreviate(String.valueOf(a))
                    : a == null
                        ? "missing; the compile has " + abbreviate(String.valueOf(e))
                        : "compile "
                            + abbreviate(e.toString())
                            + ", engine output "
                            + abbreviate(a.toString())));
      }
    }
  }

  private static <K> List<K> union(java.util.Set<K> a, java.util.Set<K> b) {
    LinkedHashMap<K, Boolean> all = new LinkedHashMap<>();
    a.forEach(k -> all.put(k, true));
    b.forEach(k -> all.put(k, true));
    return new ArrayList<>(all.keySet());
  }
}
