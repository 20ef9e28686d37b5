package io.fenceline.cli.status;

import io.fenceline.applier.status.DeadLetterRecord;
import io.fenceline.applier.status.NodeStatus;
import io.fenceline.applier.status.PipelineStatus;
import io.fenceline.applier.status.StatusQuery;
import io.fenceline.broker.BrokerResolver;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.engine.EngineConfig;
import io.fenceline.kafka.topics.EngineProgress;
import io.fenceline.kafka.topics.Receipt;
import io.fenceline.kafka.topics.Topics;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fenceline status}: is the whole pipeline current? Per node the latest receipt (and whether
 * the applier still reports), per cluster whether the engine processed its events to the end, and
 * the dead letters. The verdict is {@link PipelineStatus}'s; this command reads Kafka and prints.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show whether the pipeline is current: per node the latest applier receipt, its age and whether",
      "the node applied its partition of fenceline.node-facts to the end; per cluster whether the engine",
      "committed its partition of fenceline.events to the end; dead letters and policy warnings",
      "(ClusterNetworkPolicies that share a tier and priority) as warnings.",
      "Exit 0 when every shown part is current, 1 otherwise (each problem on a line with the reason)."
    })
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--cluster",
      paramLabel = "ID",
      description =
          "Only this cluster (repeatable; default: every cluster known from receipts, and every partition"
              + " of fenceline.events that holds events). --policy needs at most one (default: default).")
  List<String> clusters = new ArrayList<>();

  @Option(
      names = "--policy",
      paramLabel = "NS/NAME",
      description = "Only the nodes with pods this policy selects.")
  String policy;

  @Option(
      names = "--stale-after",
      defaultValue = "60",
      paramLabel = "SECONDS",
      description =
          "A node whose latest receipt is older is stale: its applier is not running (appliers republish"
              + " their receipt every --heartbeat-interval, 30 s by default; default: ${DEFAULT-VALUE}).")
  long staleAfterSeconds;

  @Option(
      names = "--application-id",
      defaultValue = EngineConfig.DEFAULT_APPLICATION_ID,
      paramLabel = "ID",
      description =
          "The engine's Kafka Streams application id, i.e. its consumer group (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  String output;

  @picocli.CommandLine.Mixin io.fenceline.cli.io.KafkaConnection kafka;

  @Override
  public Integer call() throws InterruptedException {
    if (!output.equals("table") && !output.equals("json")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "-o must be table or json");
    }
    if (staleAfterSeconds <= 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--stale-after must be positive");
    }
    if (policy != null && clusters.size() > 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--policy takes at most one --cluster");
    }
    PrintWriter out = spec.commandLine().getOut();
    Set<String> shown = new TreeSet<>(clusters);
    try (BrokerResolver.Resolved broker = kafka.resolve(false);
        StatusQuery q = new StatusQuery(broker.bootstrapServers(), kafka.clientProperties())) {
      List<NodeStatus> nodes = q.nodes();
      if (policy != null) {
        String cluster = clusters.isEmpty() ? "default" : clusters.get(0);
        shown = Set.of(cluster);
        Set<String> concerned = q.nodesOf(cluster, ObjectKey.parse(policy));
        nodes = nodes.stream().filter(n -> concerned.contains(n.receipt().key())).toList();
      }
      List<EngineProgress.Partition> engine = null;
      String engineError = null;
      try {
        engine = q.engineProgress(applicationId);
      } catch (ExecutionException e) {
        engineError = String.valueOf(e.getCause());
      } catch (TimeoutException e) {
        engineError = "no answer from Kafka in time";
      }
      List<DeadLetterRecord> dead = q.deadLetters();
      PipelineStatus.Report report =
          PipelineStatus.assemble(
              Clock.systemUTC().instant(),
              Duration.ofSeconds(staleAfterSeconds),
              applicationId,
              shown,
              nodes,
              engine,
              engineError,
              dead,
              q.policyWarnings());
      if (output.equals("json")) {
        out.println(report.toJson());
      } else {
        table(out, report);
      }
      out.flush();
      return report.current() ? 0 : 1;
    }
  }

  private static void table(PrintWriter out, PipelineStatus.Report report) {
    String fmt = "%-12s %-16s %9s %9s %9s %-7s %-7s %-24s %-8s %s%n";
    out.printf(
        fmt,
        "CLUSTER",
        "NODE",
        "PARTITION",
        "APPLIED",
        "END",
        "CURRENT",
        "RESULT",
        "LAST-RECEIPT",
        "AGE",
        "SOURCE-OBSERVED-AT");
    for (PipelineStatus.Node n : report.nodes()) {
      Receipt r = n.receipt();
      out.printf(
          fmt,
          r.cluster(),
          r.node(),
          r.partition(),
          r.factsOffset(),
          n.status().partitionEnd(),
          n.current() ? "yes" : "no",
          n.stale() ? "stale" : r.result(),
          r.appliedAt(),
          PipelineStatus.human(n.age()),
          r.sourceObservedAt() == null ? "-" : r.sourceObservedAt());
    }
    out.println();
    out.println("ENGINE (application " + report.engineApplicationId() + ")");
    String efmt = "%-24s %9s %9s %9s %-7s %s%n";
    out.printf(efmt, "PARTITION", "COMMITTED", "END", "LAG", "CURRENT", "CLUSTERS");
    for (PipelineStatus.EnginePartition ep : report.engine()) {
      EngineProgress.Partition p = ep.progress();
      out.printf(
          efmt,
          Topics.EVENTS + "-" + p.partition(),
          p.committed() == null ? "-" : p.committed(),
          p.end(),
          p.lag(),
          p.current() ? "yes" : "no",
          ep.clusters().isEmpty() ? "-" : String.join(",", ep.clusters()));
    }
    if (!report.problems().isEmpty() || !report.warnings().isEmpty()) {
      out.println();
    }
    report.problems().forEach(p -> out.println("problem: " + p));
    report.warnings().forEach(w -> out.println("warning: " + w));
    out.println();
    out.println(
        report.current()
            ? "current (stale after " + report.staleAfter().toSeconds() + "s)"
            : "not current: "
                + report.problems().size()
                + " problem"
                + (report.problems().size() == 1 ? "" : "s"));
  }
}
