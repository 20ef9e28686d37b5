package io.fenceline.cli.forensics;

import io.fenceline.broker.BrokerResolver;
import io.fenceline.cli.BadInputException;
import io.fenceline.core.explain.FlowExplainer;
import io.fenceline.core.explain.SideWords;
import io.fenceline.core.history.FlowQuery;
import io.fenceline.core.history.FlowReport;
import io.fenceline.forensics.ClusterHistory;
import io.fenceline.forensics.ExplainJson;
import io.fenceline.forensics.HistoryException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fenceline explain}: was a flow allowed at a moment, and by what. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Explain a flow at a moment, rebuilt from the event log: the verdict, then the egress side",
      "(at the source pod) and the ingress side (at the destination pod): isolated or not, by which",
      "policies, and the policy, rule and peer (0-based) that allowed it. An IP resolves to the pod that",
      "held it at that moment, else it is external.",
      "Exit 0 for either verdict, 2 for bad input or a moment the log cannot answer for,",
      "4 when the log does not describe the cluster at that moment (the answer is then printed as unknown)."
    })
public final class ExplainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HistorySource source;

  @Mixin FlowOptions flow;

  @Option(
      names = "--at",
      defaultValue = "now",
      paramLabel = "T",
      description = "RFC 3339 time, now, or relative (-2h, -90m). Default: ${DEFAULT-VALUE}.")
  String at;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  String output;

  @Override
  public Integer call() {
    if (!output.equals("table") && !output.equals("json")) {
      throw new BadInputException("-o must be table or json");
    }
    FlowQuery q = flow.query();
    Instant t = source.moment(at, "--at");
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (BrokerResolver.Resolved broker = source.broker();
        ClusterHistory h = source.open(broker)) {
      ClusterHistory.At state = h.at(t);
      HistorySource.notes(h, err);
      FlowReport r;
      try {
        r = FlowReport.of(state.state(), q, t, state.unknown());
      } catch (IllegalArgumentException e) {
        throw new BadInputException("at " + t + ": " + e.getMessage());
      }
      if (output.equals("json")) {
        out.println(ExplainJson.text(r));
      } else {
        table(out, r, source.cluster());
      }
      out.flush();
      return HistorySource.exitCode(err, state);
    } catch (HistoryException e) {
      throw new BadInputException("fenceline explain: " + e.getMessage());
    }
  }

  static void table(PrintWriter out, FlowReport r, String cluster) {
    FlowExplainer.Explanation x = r.explanation();
    out.printf(
        "%s %s -> %s %d/%s at %s (cluster %s)%n",
        r.unknown() != null
            ? "UNKNOWN (log holds: " + verdict(x) + ")"
            : verdict(x).toUpperCase(java.util.Locale.ROOT),
        end(x.src()),
        end(x.dst()),
        x.port(),
        x.protocol(),
        r.at(),
        cluster);
    side(out, "egress ", x.egress(), x.src());
    side(out, "ingress", x.ingress(), x.dst());
    out.println("objects:");
    for (FlowReport.UsedObject o : r.objects()) {
      out.printf(
          "  %-14s %-40s resourceVersion %s%n",
          o.kind().apiName(), o.name(), o.resourceVersion() == null ? "-" : o.resourceVersion());
    }
  }

  private static String verdict(FlowExplainer.Explanation x) {
    return x.allowed() ? "allowed" : "denied";
  }

  private static String end(FlowExplainer.Endpoint e) {
    return e.pod() == null ? e.ip() + " (external)" : e.pod() + " (" + e.ip() + ")";
  }

  private static void side(
      PrintWriter out, String name, FlowExplainer.Side s, FlowExplainer.Endpoint subject) {
    out.println("  " + SideWords.of(name, s, subject.pod()));
  }
}
