package io.fenceline.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.engine.EngineConfig;
import io.fenceline.kafka.topics.EngineProgress;
import io.fenceline.kafka.topics.EventPartitions;
import io.fenceline.kafka.topics.NodePartitions;
import io.fenceline.kafka.topics.TopicAdmin;
import io.fenceline.kafka.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code fenceline engine} processes share the work on the real broker ({@code fenceline
 * kafka}, a process of its own); one is killed with SIGKILL in the middle of a churn, while a
 * transaction of it is open when one can be caught, and the other takes over its tasks (after the
 * session timeout: the killed engine is a static member that never left the group). Then, from a
 * {@code read_committed} read of {@code fenceline.node-facts} and {@code fenceline.set-members}
 * from offset 0:
 *
 * <ol>
 *   <li>every node of every cluster, folded as its applier folds it, equals a from-scratch compile
 *       of the cluster's final objects, and no partition holds a binding, chain or set nobody
 *       needs;
 *   <li>no fact is lost or written twice: per output partition and source event ({@code
 *       fenceline.source.partition}, {@code fenceline.source.offset}), each (key, value) is written
 *       exactly as often as one uninterrupted engine writes it (the committed event log replayed
 *       through the same fold, compiler and router, {@link FactLedger});
 *   <li>the engines' committed offsets reach the end of every partition of {@code
 *       fenceline.events}.
 * </ol>
 *
 * The killed engine is then restarted under the same state dir: it rejoins under the same static
 * instance id and takes tasks back, writes nothing without new events, and after more churn the
 * three checks hold again. No root and no network namespaces: convergence is checked on facts.
 *
 * <p>Seed {@code -Dfailover.seed=}; each process's log goes to {@code -Dfailover.logDir=} (default
 * {@code target/failover-logs}).
 */
class EngineFailoverIT {
  static final String APP = "fenceline-failover-engine";
  static final int EVENT_PARTITIONS = 4;
  static final int FACT_PARTITIONS = 6;
  private static final int CLUSTERS_PER_EVENT_PARTITION = 2;

  /** Changes before the kill, after it (beyond the takeover), and after the restart. */
  private static final int CHANGES_BEFORE_KILL = 60;

  private static final int CHANGES_AFTER_TAKEOVER = 30;
  private static final int CHANGES_AFTER_RESTART = 30;
  private static final Duration QUIET_TIMEOUT = Duration.ofMinutes(4);

  @TempDir Path dir;

  private final long seed = Long.getLong("failover.seed", 20261201L);
  private final Random random = new Random(seed);
  private final List<FencelineProcess> processes = new ArrayList<>();
  private final Map<String, ChaosCluster> clusters = new TreeMap<>();
  private final Map<String, ClusterPublisher> publishers = new TreeMap<>();
  private String bootstrap;
  private Admin admin;
  private Path logs;
  private FencelineProcess broker;
  private FencelineProcess survivor;
  private long t0;
  private int changes;
  private int events;

  /** A member of the engines' consumer group and the partitions of fenceline.events it owns. */
  record Member(String instanceId, String clientId, SortedSet<Integer> partitions) {
    boolean of(String engineInstanceId) {
      return instanceId != null && instanceId.startsWith(engineInstanceId + "-");
    }
  }

  @Test
  void theSurvivorTakesOverAKilledEngineWithNoFactLostOrDuplicated() throws Exception {
    logs =
        Files.createDirectories(
            Path.of(System.getProperty("failover.logDir", "target/failover-logs"))
                .resolve("seed-" + seed + "-" + System.currentTimeMillis())
                .toAbsolutePath());
    t0 = System.nanoTime();
    try {
      broker =
          start("kafka", "768m", List.of("kafka", "--data-dir", dir.resolve("broker").toString()));
      bootstrap = ChaosPipeline.awaitBrokerAddress(broker);
      admin =
          Admin.create(
              Map.of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap,
                  AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                  10_000,
                  AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                  8_000));
      Topics.Layout d = Topics.Layout.defaults();
      TopicAdmin.ensure(
          admin,
          new Topics.Layout(
                  EVENT_PARTITIONS,
                  FACT_PARTITIONS,
                  d.eventRetentionMs(),
                  d.deadLetterRetentionMs())
              .specs());
      say(
          "broker at %s, topics: %d event partitions, %d node-facts partitions",
          bootstrap, EVENT_PARTITIONS, FACT_PARTITIONS);
      createClusters();

      Path stateA = dir.resolve("engine-a-state");
      Path stateB = dir.resolve("engine-b-state");
      String idA = EngineConfig.defaultInstanceId(APP, stateA);
      String idB = EngineConfig.defaultInstanceId(APP, stateB);
      FencelineProcess a = startEngine("engine-a", stateA);
      survivor = startEngine("engine-b", stateB);
      List<Member> group =
          awaitGroup(
              "both engines own tasks",
              Duration.ofMinutes(3),
              m -> owns(m, idA) && owns(m, idB) && m.size() == 2,
              List.of(a));
      say("both engines own tasks: %s", describe(group, idA, idB));
      Member memberA = member(group, idA);
      String txPrefix =
          memberA.clientId().contains("-StreamThread-")
              ? memberA.clientId().substring(0, memberA.clientId().indexOf("-StreamThread-")) + "-"
              : null;

      // Churn while both run.
      for (String c : clusters.keySet()) {
        publish(c, "initial state");
      }
      for (int i = 0; i < CHANGES_BEFORE_KILL; i++) {
        change();
        pace();
      }

      // Kill A mid-churn, when one of its transactions is open if that can be caught within 30 s.
      SortedSet<Integer> ownedByA =
          member(
                  awaitGroup(
                      "A still owns tasks", Duration.ofSeconds(30), m -> owns(m, idA), List.of(a)),
                  idA)
              .partitions();
      String openTx = null;
      long tryUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (openTx == null && System.nanoTime() < tryUntil) {
        change();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        while (openTx == null && System.nanoTime() < until && txPrefix != null) {
          openTx = openTransaction(txPrefix);
        }
      }
      a.kill();
      long killed = System.nanoTime();
      Map<Integer, Long> committedAtKill = committed();
      say(
          "KILL: engine A (pid %d) killed with SIGKILL at %s after %d changes (%d events); it owned"
              + " %s partitions %s; %s",
          a.pid(),
          since(t0, killed),
          changes,
          events,
          Topics.EVENTS,
          ownedByA,
          openTx == null
              ? "no open transaction of it was caught (killed between transactions)"
              : "its transaction " + openTx + " was open");

      // Keep publishing while the survivor waits out A's session and takes over.
      long takeover = 0;
      long resumed = 0;
      long takeoverDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      int afterTakeover = 0;
      long nextLook = 0;
      while (afterTakeover < CHANGES_AFTER_TAKEOVER) {
        if (System.nanoTime() > takeoverDeadline) {
          throw new AssertionError(
              "engine B did not take over A's partitions within 120 s of the kill: group "
                  + describe(members(), idA, idB)
                  + "\n"
                  + survivor.logTail(40));
        }
        change();
        pace();
        if (takeover != 0) {
          afterTakeover++;
        }
        if (System.nanoTime() > nextLook) {
          nextLook = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
          alive();
          if (takeover == 0) {
            List<Member> m = members();
            if (m.size() == 1
                && owns(m, idB)
                && member(m, idB).partitions().size() == EVENT_PARTITIONS) {
              takeover = System.nanoTime();
              say(
                  "TAKEOVER: engine B owns every partition %s after the kill (%s)",
                  since(killed, takeover), describe(m, idA, idB));
            }
          }
          if (takeover != 0 && resumed == 0) {
            Map<Integer, Long> now = committed();
            if (ownedByA.stream().anyMatch(p -> moved(committedAtKill.get(p), now.get(p)))) {
              resumed = System.nanoTime();
              say(
                  "RESUMED: B committed progress on A's partitions %s after the kill",
                  since(killed, resumed));
            }
          }
        }
      }
      say(
          "churn stopped at %s: %d changes, %d events",
          since(t0, System.nanoTime()), changes, events);
      Check afterFailover = check("after the failover");
      if (resumed == 0) {
        say("RESUMED: B's progress on A's partitions was first seen at the end of the churn");
      }

      // A comes back under the same state dir: the same static instance id.
      FencelineProcess a2 = startEngine("engine-a-restarted", stateA);
      long restarted = System.nanoTime();
      group =
          awaitGroup(
              "the restarted engine A rejoins and owns tasks",
              Duration.ofMinutes(3),
              m -> owns(m, idA) && owns(m, idB) && m.size() == 2,
              List.of(a2));
      say(
          "REJOIN: engine A (pid %d) rejoined as %s and owns tasks %s after its restart: %s",
          a2.pid(),
          member(group, idA).instanceId(),
          since(restarted, System.nanoTime()),
          describe(group, idA, idB));
      // The restarted engine restores and rebuilds its tasks; nothing new to process, nothing to
      // write. Give it a few commit intervals' time, bounded.
      awaitQuiet("after the rejoin", List.of(a2));
      Thread.sleep(5_000);
      Check afterRejoin = check("after the rejoin, no new events");
      assertThat(afterRejoin.records())
          .as(
              "records in %s and %s after engine A rejoined without new events (before: %d)",
              Topics.NODE_FACTS, Topics.SET_MEMBERS, afterFailover.records())
          .isEqualTo(afterFailover.records());

      // More churn: A's rebuilt tasks must compile on correctly.
      for (int i = 0; i < CHANGES_AFTER_RESTART; i++) {
        change();
        pace();
      }
      survivor = a2; // both must stay up now
      alive();
      check("after churn on the restarted engine");
      group = members();
      say("final group: %s", describe(group, idA, idB));
      assertThat(owns(group, idA) && owns(group, idB))
          .as("both engines still own tasks at the end: %s", describe(group, idA, idB))
          .isTrue();
    } finally {
      say("logs of every process in %s", logs);
      publishers.values().forEach(ClusterPublisher::close);
      if (admin != null) {
        admin.close(Duration.ofSeconds(5));
      }
      for (int i = processes.size() - 1; i >= 0; i--) {
        processes.get(i).stop(30);
      }
    }
  }

  // ---- the churn ----

  /** Clusters spread over every partition of fenceline.events (a cluster's events live in one). */
  private void createClusters() {
    int[] per = new int[EVENT_PARTITIONS];
    for (int i = 0; clusters.size() < EVENT_PARTITIONS * CLUSTERS_PER_EVENT_PARTITION; i++) {
      String name = "cluster-" + i;
      int p = EventPartitions.partitionOf(name, EVENT_PARTITIONS);
      if (per[p] < CLUSTERS_PER_EVENT_PARTITION) {
        per[p]++;
        ChaosCluster c = new ChaosCluster(new Random(seed * 31 + i));
        for (int k = 0; k < 3; k++) {
          c.change();
        }
        clusters.put(name, c);
        publishers.put(name, new ClusterPublisher(name, bootstrap));
      }
    }
    say(
        "clusters (event partition): %s",
        clusters.keySet().stream()
            .map(c -> c + " (" + EventPartitions.partitionOf(c, EVENT_PARTITIONS) + ")")
            .collect(Collectors.joining(", ")));
  }

  private void change() {
    List<String> names = new ArrayList<>(clusters.keySet());
    String name = names.get(random.nextInt(names.size()));
    publish(name, clusters.get(name).change());
  }

  private void publish(String cluster, String what) {
    int n = publishers.get(cluster).publish(clusters.get(cluster).state.manifests());
    changes++;
    events += n;
    say("change %d %s: %s (%d events)", changes, cluster, what, n);
  }

  /** The pacing of the churn, not a wait for a result. */
  private void pace() throws InterruptedException {
    Thread.sleep(20 + random.nextInt(130));
  }

  // ---- the checks ----

  /** What one check read. */
  record Check(long records) {}

  /**
   * Waits until the engines are caught up, then reads both output topics and checks them against a
   * from-scratch compile of every cluster and against the replayed event log; fails with every
   * difference found.
   */
  private Check check(String when) throws Exception {
    awaitQuiet(when, List.of());
    List<String> problems = new ArrayList<>();
    var events = FactLedger.readCommitted(bootstrap, Topics.EVENTS, EVENT_PARTITIONS);
    var nodeFacts = FactLedger.readCommitted(bootstrap, Topics.NODE_FACTS, FACT_PARTITIONS);
    var setMembers = FactLedger.readCommitted(bootstrap, Topics.SET_MEMBERS, EVENT_PARTITIONS);
    FactLedger.Output out =
        new FactLedger.Output(nodeFacts, setMembers, EVENT_PARTITIONS, FACT_PARTITIONS);
    out.malformed.stream().limit(20).forEach(m -> problems.add("malformed record: " + m));

    // (1) every node against a from-scratch compile of its cluster's final objects
    int nodes = 0;
    long bindings = 0;
    long members = 0;
    for (Map.Entry<String, ChaosCluster> c : clusters.entrySet()) {
      String cluster = c.getKey();
      CompiledCluster compiled =
          CompiledCluster.fromScratch(
              Manifests.asUpserts(
                  Manifests.decode(
                      ManifestParser.parse("state.yaml", c.getValue().state.manifests()))));
      SortedSet<String> names = new TreeSet<>(compiled.nodes());
      names.addAll(CaseCluster.NODES);
      names.addAll(out.nodes(cluster));
      for (String node : names) {
        NodeModel expected = compiled.nodeModel(node);
        NodeModel actual = out.node(cluster, node);
        nodes++;
        bindings += expected.bindings().size();
        members += expected.sets().values().stream().mapToInt(SortedSet::size).sum();
        for (String diff : FactLedger.nodeDifferences(expected, actual)) {
          problems.add(
              "cluster "
                  + cluster
                  + " node "
                  + node
                  + " ("
                  + Topics.NODE_FACTS
                  + "-"
                  + NodePartitions.partitionOf(cluster, node, FACT_PARTITIONS)
                  + "): "
                  + diff);
        }
      }
    }
    out.leftovers().stream().limit(20).forEach(problems::add);

    // (2) no fact lost or written twice
    FactLedger expected = FactLedger.replay(events, EVENT_PARTITIONS, FACT_PARTITIONS);
    problems.addAll(FactLedger.differences(expected, out.ledger, 30));

    // (3) the committed offsets reach the end of every partition of fenceline.events
    for (EngineProgress.Partition p : EngineProgress.read(admin, APP, Duration.ofSeconds(10))) {
      if (!p.current()) {
        problems.add("engine progress: " + p.describe());
      }
    }
    say(
        "CHECK %s: %d events in the log, %d records read (%d expected), %d nodes compared (%d"
            + " bindings, %d set members), %d problems",
        when,
        events.size(),
        out.ledger.records(),
        expected.records(),
        nodes,
        bindings,
        members,
        problems.size());
    if (!problems.isEmpty()) {
      throw new AssertionError(
          when
              + ": "
              + problems.size()
              + " differences (seed "
              + seed
              + ", logs in "
              + logs
              + "):\n"
              + String.join("\n", problems));
    }
    assertThat(bindings).as("bindings compared (the comparison is not vacuous)").isPositive();
    assertThat(members).as("set members compared").isPositive();
    assertThat(expected.records()).as("facts in the ledger").isPositive();
    return new Check(out.ledger.records());
  }

  /** Waits (bounded) until the committed offsets reach the end of every partition of the events. */
  private void awaitQuiet(String when, List<FencelineProcess> alsoAlive) {
    long from = System.nanoTime();
    String[] last = {""};
    await(when + ": the engines commit every event")
        .atMost(QUIET_TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              alive(alsoAlive);
              List<EngineProgress.Partition> ps;
              try {
                ps = EngineProgress.read(admin, APP, Duration.ofSeconds(10));
              } catch (Exception e) {
                last[0] = "progress unknown: " + e;
                return false;
              }
              last[0] = ps.stream().map(EngineProgress.Partition::describe).toList().toString();
              return ps.stream().allMatch(EngineProgress.Partition::current);
            });
    say(
        "%s: every event committed %s after asking (%s)",
        when, since(from, System.nanoTime()), last[0]);
  }

  // ---- the group ----

  private List<Member> members() throws Exception {
    ConsumerGroupDescription g =
        admin
            .describeConsumerGroups(List.of(APP))
            .describedGroups()
            .get(APP)
            .get(10, TimeUnit.SECONDS);
    List<Member> out = new ArrayList<>();
    for (MemberDescription m : g.members()) {
      SortedSet<Integer> ps = new TreeSet<>();
      for (TopicPartition tp : m.assignment().topicPartitions()) {
        if (tp.topic().equals(Topics.EVENTS)) {
          ps.add(tp.partition());
        }
      }
      out.add(new Member(m.groupInstanceId().orElse(null), m.clientId(), ps));
    }
    return out;
  }

  private static boolean owns(List<Member> group, String engineInstanceId) {
    return group.stream().anyMatch(m -> m.of(engineInstanceId) && !m.partitions().isEmpty());
  }

  private static Member member(List<Member> group, String engineInstanceId) {
    return group.stream()
        .filter(m -> m.of(engineInstanceId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no member " + engineInstanceId + " in " + group));
  }

  private static String describe(List<Member> group, String idA, String idB) {
    return group.stream()
        .map(
            m ->
                (m.of(idA) ? "A" : m.of(idB) ? "B" : "?")
                    + " ("
                    + m.instanceId()
                    + ") "
                    + m.partitions())
        .collect(Collectors.joining("; ", "[", "]"));
  }

  private List<Member> awaitGroup(
      String what,
      Duration atMost,
      Predicate<List<Member>> condition,
      List<FencelineProcess> engines) {
    @SuppressWarnings("unchecked")
    List<Member>[] last = new List[] {List.of()};
    await(what)
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              alive(engines);
              try {
                last[0] = members();
              } catch (Exception e) {
                return false; // the group is not there yet, or the broker is slow to answer
              }
              return condition.test(last[0]);
            });
    return last[0];
  }

  /** The id of an open transaction of the engine whose transactional ids start with the prefix. */
  private String openTransaction(String prefix) {
    try {
      Collection<TransactionListing> open =
          admin
              .listTransactions(
                  new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING)))
              .all()
              .get(5, TimeUnit.SECONDS);
      return open.stream()
          .map(TransactionListing::transactionalId)
          .filter(id -> id.startsWith(prefix))
          .findFirst()
          .orElse(null);
    } catch (Exception e) {
      return null;
    }
  }

  private Map<Integer, Long> committed() throws Exception {
    Map<Integer, Long> out = new TreeMap<>();
    for (EngineProgress.Partition p : EngineProgress.read(admin, APP, Duration.ofSeconds(10))) {
      out.put(p.partition(), p.committed());
    }
    return out;
  }

  private static boolean moved(Long before, Long now) {
    return now != null && (before == null || now > before);
  }

  // ---- processes ----

  private FencelineProcess start(String label, String heap, List<String> args) throws Exception {
    FencelineProcess p = FencelineProcess.start(label, logs, heap, Map.of(), args);
    processes.add(p);
    say("started %s (pid %d)", label, p.pid());
    return p;
  }

  private FencelineProcess startEngine(String label, Path stateDir) throws Exception {
    return start(
        label,
        "384m",
        List.of(
            "engine",
            "--bootstrap-servers",
            bootstrap,
            "--application-id",
            APP,
            "--state-dir",
            stateDir.toString(),
            "--event-partitions",
            Integer.toString(EVENT_PARTITIONS),
            "--node-facts-partitions",
            Integer.toString(FACT_PARTITIONS)));
  }

  /** Fails if the broker, the survivor or one of {@code also} died on its own. */
  private void alive(List<FencelineProcess> also) {
    List<FencelineProcess> all = new ArrayList<>(also);
    all.add(broker);
    if (survivor != null) {
      all.add(survivor);
    }
    for (FencelineProcess p : all) {
      if (!p.alive()) {
        throw new AssertionError("a process died on its own: " + p.logTail(40));
      }
    }
  }

  private void alive() {
    alive(List.of());
  }

  private void say(String format, Object... args) {
    System.out.printf(
        "failover: [%s] %s%n", since(t0, System.nanoTime()), String.format(format, args));
  }

  private static String since(long from, long to) {
    return String.format("+%.1f s", (to - from) / 1e9);
  }
}
