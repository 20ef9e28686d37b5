package io.fenceline.applier.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.kafka.topics.EngineProgress;
import io.fenceline.kafka.topics.EventPartitions;
import io.fenceline.kafka.topics.PolicyWarnings;
import io.fenceline.kafka.topics.Receipt;
import io.fenceline.kafka.topics.Topics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What {@code fenceline status} reports, and the verdict: is the whole pipeline current? Pure: the
 * caller reads Kafka ({@link StatusQuery}) and hands the facts in.
 *
 * <ul>
 *   <li>Per node (from its latest receipt): <b>stale</b> when the receipt is older than {@code
 *       staleAfter} (appliers republish their receipt every heartbeat interval, 30 s by default, so
 *       an old receipt means the applier is not running); <b>failed</b> when its last apply failed;
 *       <b>behind</b> when it has not applied its node-facts partition to the end; else
 *       <b>current</b>.
 *   <li>Per partition of {@code fenceline.events} (the partitions of the clusters shown; without a
 *       cluster filter also every partition that holds events): the engine's committed offset
 *       against the end ({@link EngineProgress}). Clusters are known from receipts and from the
 *       filter.
 *   <li>Dead letters ({@code fenceline.dead-letter}) per key (the cluster the rejected record
 *       claimed): the count and the newest reasons. They are <b>warnings</b>, not problems: the
 *       engine rejected that input and went on, so they do not make the pipeline stale or stuck;
 *       the fix is in the source objects, and a dead letter stays in the topic (7 days) after the
 *       object was fixed.
 *   <li>Policy warnings ({@code fenceline.policy-warnings}): ClusterNetworkPolicies that share a
 *       tier and priority (the API leaves their order open). Warnings too: they are enforced, in an
 *       order fenceline chooses (by name).
 * </ul>
 *
 * Current (exit 0) exactly when there is no problem.
 */
public final class PipelineStatus {
  /** How many of the newest dead-letter reasons are shown per cluster. */
  public static final int NEWEST_DEAD_LETTERS = 3;

  private static final ObjectMapper JSON = new ObjectMapper();

  private PipelineStatus() {}

  /** One node: its latest receipt, the receipt's age, and its state. */
  public record Node(
      NodeStatus status, Duration age, boolean stale, String state, List<String> problems) {
    public Receipt receipt() {
      return status.receipt();
    }

    public boolean current() {
      return state.equals("current");
    }
  }

  /** One partition of {@code fenceline.events} and the known clusters it holds. */
  public record EnginePartition(EngineProgress.Partition progress, List<String> clusters) {}

  /** The dead letters of one key (cluster id, or null), newest first. */
  public record DeadLetters(String cluster, long count, List<DeadLetterRecord> newest) {}

  public record Report(
      Instant at,
      Duration staleAfter,
      String engineApplicationId,
      List<Node> nodes,
      List<EnginePartition> engine,
      List<DeadLetters> deadLetters,
      List<String> problems,
      List<String> warnings) {
    public boolean current() {
      return problems.isEmpty();
    }

    /** The JSON of {@code status -o json}; its schema is in the README ("fenceline status"). */
    public ObjectNode toJson() {
      ObjectNode root = JSON.createObjectNode();
      root.put("at", at.toString())
          .put("current", current())
          .put("staleAfterSeconds", staleAfter.toSeconds());
      ArrayNode ns = root.putArray("nodes");
      for (Node n : nodes) {
        ObjectNode o;
        try {
          o = (ObjectNode) JSON.readTree(n.receipt().encode());
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        o.put("partitionEnd", n.status().partitionEnd())
            .put("setsEnd", n.status().setsEnd())
            .put("applied", n.status().current())
            .put("ageSeconds", n.age().toSeconds())
            .put("stale", n.stale())
            .put("state", n.state())
            .put("current", n.current());
        ArrayNode p = o.putArray("problems");
        n.problems().forEach(p::add);
        ns.add(o);
      }
      ObjectNode e = root.putObject("engine");
      e.put("applicationId", engineApplicationId);
      ArrayNode ps = e.putArray("partitions");
      for (EnginePartition ep : engine) {
        EngineProgress.Partition p = ep.progress();
        ObjectNode o = ps.addObject().put("topic", Topics.EVENTS).put("partition", p.partition());
        if (p.committed() == null) {
          o.putNull("committed");
        } else {
          o.put("committed", p.committed());
        }
        o.put("end", p.end()).put("lag", p.lag()).put("current", p.current());
        ArrayNode cs = o.putArray("clusters");
        ep.clusters().forEach(cs::add);
      }
      ArrayNode dls = root.putArray("deadLetters");
      for (DeadLetters d : deadLetters) {
        ObjectNode o = dls.addObject().put("cluster", d.cluster()).put("count", d.count());
        ArrayNode newest = o.putArray("newest");
        for (DeadLetterRecord r : d.newest()) {
          ObjectNode x =
              newest
                  .addObject()
                  .put("at", r.at().toString())
                  .put("offset", r.offset())
                  .put("sourceTopic", r.sourceTopic());
          if (r.sourcePartition() == null) {
            x.putNull("sourcePartition");
          } else {
            x.put("sourcePartition", r.sourcePartition());
          }
          if (r.sourceOffset() == null) {
            x.putNull("sourceOffset");
          } else {
            x.put("sourceOffset", r.sourceOffset());
          }
          x.put("reason", r.reason());
        }
      }
      ArrayNode pr = root.putArray("problems");
      problems.forEach(pr::add);
      ArrayNode w = root.putArray("warnings");
      warnings.forEach(w::add);
      return root;
    }
  }

  /**
   * @param clusters the clusters to show; empty: every cluster
   * @param nodes latest receipts (already narrowed to the nodes to show, e.g. by a policy)
   * @param engine the engine's progress on every partition of {@code fenceline.events}, in
   *     partition order; null when it could not be read ({@code engineError} says why) or the topic
   *     does not exist
   * @param engineError why the engine's progress could not be read, or null
   */
  public static Report assemble(
      Instant now,
      Duration staleAfter,
      String engineApplicationId,
      Set<String> clusters,
      List<NodeStatus> nodes,
      List<EngineProgress.Partition> engine,
      String engineError,
      List<DeadLetterRecord> deadLetters) {
    return assemble(
        now,
        staleAfter,
        engineApplicationId,
        clusters,
        nodes,
        engine,
        engineError,
        deadLetters,
        List.of());
  }

  /**
   * As above, with the policy warnings in force ({@code fenceline.policy-warnings}): each one of a
   * shown cluster is a warning line.
   */
  public static Report assemble(
      Instant now,
      Duration staleAfter,
      String engineApplicationId,
      Set<String> clusters,
      List<NodeStatus> nodes,
      List<EngineProgress.Partition> engine,
      String engineError,
      List<DeadLetterRecord> deadLetters,
      List<PolicyWarnings.Warning> policyWarnings) {
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Set<String> known = new TreeSet<>(clusters);

    List<Node> shownNodes = new ArrayList<>();
    for (NodeStatus s : nodes) {
      Receipt r = s.receipt();
      if (!clusters.isEmpty() && !clusters.contains(r.cluster())) {
        continue;
      }
      known.add(r.cluster());
      Duration age = Duration.between(r.appliedAt(), now);
      if (age.isNegative()) {
        age = Duration.ZERO; // the applier's clock is ahead of ours
      }
      boolean stale = age.compareTo(staleAfter) > 0;
      List<String> np = new ArrayList<>();
      String who = r.key() + ": ";
      if (stale) {
        np.add(
            who
                + "last receipt "
                + human(age)
                + " ago (threshold "
                + staleAfter.toSeconds()
                + "s): applier not running?");
      }
      if (!r.result().equals("ok")) {
        np.add(who + "last apply failed: " + r.error());
      } else if (r.factsOffset() < s.partitionEnd()) {
        np.add(
            who
                + "applied "
                + Topics.NODE_FACTS
                + "-"
                + r.partition()
                + " up to "
                + r.factsOffset()
                + " of "
                + s.partitionEnd()
                + ": the node has not applied its latest facts");
      } else if (s.behindOnSets()) {
        np.add(
            who
                + "applied "
                + Topics.SET_MEMBERS
                + (r.setsPartition() >= 0 ? "-" + r.setsPartition() : "")
                + " up to "
                + r.setsOffset()
                + " of "
                + s.setsEnd()
                + ": the node has not applied its latest set members");
      }
      String state =
          stale
              ? "stale"
              : !r.result().equals("ok") ? "failed" : !s.current() ? "behind" : "current";
      problems.addAll(np);
      shownNodes.add(new Node(s, age, stale, state, List.copyOf(np)));
    }

    List<EnginePartition> shownEngine = new ArrayList<>();
    if (engineError != null) {
      problems.add("engine: cannot read its progress on " + Topics.EVENTS + ": " + engineError);
    } else if (engine == null) {
      warnings.add(
          "engine: topic " + Topics.EVENTS + " does not exist (nothing was ever published)");
    } else {
      Map<Integer, List<String>> byPartition = new TreeMap<>();
      for (String c : known) {
        byPartition
            .computeIfAbsent(EventPartitions.partitionOf(c, engine.size()), p -> new ArrayList<>())
            .add(c);
      }
      for (EngineProgress.Partition p : engine) {
        List<String> cs = byPartition.getOrDefault(p.partition(), List.of());
        boolean shown = clusters.isEmpty() ? !cs.isEmpty() || p.end() > 0 : !cs.isEmpty();
        if (!shown) {
          continue;
        }
        shownEngine.add(new EnginePartition(p, cs));
        if (!p.current()) {
          problems.add(
              "engine: "
                  + p.describe()
                  + " ("
                  + (cs.isEmpty()
                      ? "no known cluster"
                      : (cs.size() == 1 ? "cluster " : "clusters ") + String.join(", ", cs))
                  + "): the engine has not processed "
                  + (cs.isEmpty()
                      ? "the partition's"
                      : cs.size() == 1 ? "the cluster's" : "the clusters'")
                  + " latest events");
        }
      }
    }

    for (String c : clusters) {
      if (shownNodes.stream().noneMatch(n -> n.receipt().cluster().equals(c))) {
        warnings.add("cluster " + c + ": no applier has published a receipt");
      }
    }

    Map<String, List<DeadLetterRecord>> byKey = new LinkedHashMap<>();
    for (DeadLetterRecord d : deadLetters) {
      if (clusters.isEmpty() || (d.key() != null && clusters.contains(d.key()))) {
        byKey.computeIfAbsent(d.key() == null ? "\0" : d.key(), k -> new ArrayList<>()).add(d);
      }
    }
    List<DeadLetters> shownDead = new ArrayList<>();
    for (var e : new TreeMap<>(byKey).entrySet()) {
      List<DeadLetterRecord> newest =
          e.getValue().stream()
              .sorted(
                  Comparator.comparing(DeadLetterRecord::at)
                      .thenComparing(DeadLetterRecord::offset)
                      .reversed())
              .limit(NEWEST_DEAD_LETTERS)
              .toList();
      String cluster = e.getKey().equals("\0") ? null : e.getKey();
      shownDead.add(new DeadLetters(cluster, e.getValue().size(), newest));
      warnings.add(
          "dead letters: "
              + (cluster == null ? "records without a cluster key" : "cluster " + oneLine(cluster))
              + ": "
              + e.getValue().size()
              + " in "
              + Topics.DEAD_LETTER
              + " (input the engine rejected and skipped)");
      for (DeadLetterRecord r : newest) {
        warnings.add("dead letter " + r.at() + " " + r.source() + ": " + oneLine(r.reason()));
      }
    }
    for (PolicyWarnings.Warning w : policyWarnings) {
      if (clusters.isEmpty() || clusters.contains(w.cluster())) {
        warnings.add(oneLine(w.toString()));
      }
    }
    return new Report(
        now,
        staleAfter,
        engineApplicationId,
        shownNodes,
        shownEngine,
        shownDead,
        problems,
        warnings);
  }

  /** {@code 45s}, {@code 4m 3s}, {@code 2h 5m}, {@code 3d 4h}. */
  public static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + (s % 60 == 0 ? "" : " " + (s % 60) + "s");
    }
    if (s < 86_400) {
      return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : " " + (s % 3600) / 60 + "m");
    }
    return (s / 86_400) + "d" + ((s % 86_400) / 3600 == 0 ? "" : " " + (s % 86_400) / 3600 + "h");
  }

  /** Control characters escaped: a key or reason from hostile input stays one line. */
  static String oneLine(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return b.toString();
  }
}
