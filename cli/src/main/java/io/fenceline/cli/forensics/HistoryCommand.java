package io.fenceline.cli.forensics;

import io.fenceline.broker.BrokerResolver;
import io.fenceline.cli.BadInputException;
import io.fenceline.cli.ExitCodes;
import io.fenceline.core.explain.FlowExplainer;
import io.fenceline.core.history.Coverage;
import io.fenceline.core.history.FlowHistory;
import io.fenceline.core.history.FlowQuery;
import io.fenceline.forensics.ClusterHistory;
import io.fenceline.forensics.HistoryException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fenceline history}: every moment a flow's verdict changed, and the event that changed it.
 */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Every moment the verdict of a flow changed, with the event that changed it, rebuilt from",
      "the event log; stretches the log does not describe are listed as unknown. A change of the pod an IP",
      "resolves to counts as a change. Exit 0; 2 for bad input or a period the log cannot answer for."
    })
public final class HistoryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HistorySource source;

  @Mixin FlowOptions flow;

  @Option(
      names = "--since",
      paramLabel = "T1",
      description = "Start (default: the oldest moment the log can rebuild).")
  String since;

  @Option(
      names = "--until",
      defaultValue = "now",
      paramLabel = "T2",
      description = "End (default: ${DEFAULT-VALUE}).")
  String until;

  private record Row(Instant at, String text) {}

  private static Row row(FlowHistory.Moment m, Instant at, String why) {
    String who =
        m.report() == null
            ? ""
            : " "
                + end(m.report().explanation().src())
                + " -> "
                + end(m.report().explanation().dst());
    return new Row(
        at, String.format("%-30s %-8s%s  %s%n    %s", at, m.verdict(), who, why, m.detail()));
  }

  private static String end(FlowExplainer.Endpoint e) {
    return e.pod() == null ? e.ip() + " (external)" : e.pod().toString();
  }

  private static Instant end(List<Coverage.Window> windows, Instant t) {
    return windows.stream()
        .filter(w -> w.to() != null && w.contains(t))
        .findFirst()
        .orElseThrow()
        .to();
  }

  @Override
  public Integer call() {
    FlowQuery q = flow.query();
    Instant t2 = source.moment(until, "--until");
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (BrokerResolver.Resolved broker = source.broker();
        ClusterHistory h = source.open(broker)) {
      Instant t1 = since == null ? h.oldest() : source.moment(since, "--since");
      if (t2.isBefore(t1)) {
        throw new BadInputException("--until " + t2 + " is before --since " + t1);
      }
      ClusterHistory.At start = h.at(t1);
      FlowHistory history = new FlowHistory(q);
      history.start(start.state(), t1);
      ClusterHistory.At end = h.continueTo(start, t2, a -> history.observe(start.state(), a));
      HistorySource.notes(h, err);
      List<Coverage.Window> windows = end.state().coverage().windows();
      List<Row> rows = new ArrayList<>();
      FlowHistory.Moment hidden = null;
      for (FlowHistory.Moment m : history.moments()) {
        Coverage.Window in =
            windows.stream()
                .filter(w -> w.to() != null && w.contains(m.at()))
                .findFirst()
                .orElse(null);
        if (in != null && m.cause() != null) {
          hidden = m; // inside an unknown stretch: only the verdict at its end is shown
          continue;
        }
        if (hidden != null) {
          rows.add(row(hidden, end(windows, hidden.at()), "(state when the relist completed)"));
          hidden = null;
        }
        if (m.verdictChanged() || m.cause() == null) {
          rows.add(row(m, m.at(), m.cause() == null ? "(state at the start)" : "by " + m.cause()));
        }
      }
      if (hidden != null) {
        rows.add(row(hidden, end(windows, hidden.at()), "(state when the relist completed)"));
      }
      for (Coverage.Window w : windows) {
        boolean overlaps = (w.to() == null || w.to().isAfter(t1)) && !w.from().isAfter(t2);
        if (overlaps) {
          rows.add(
              new Row(
                  w.from(),
                  String.format(
                      "%-30s %-8s until %s: %s",
                      w.from(), "unknown", w.to() == null ? "(still)" : w.to(), w.reason())));
        }
      }
      if (end.unknown() != null
          && end.state().coverage().windows().stream().noneMatch(w -> w.contains(t2))) {
        rows.add(new Row(t2, String.format("%-30s %-8s %s", t2, "unknown", end.unknown())));
      }
      rows.sort(Comparator.comparing(Row::at));
      out.printf("%s in cluster %s from %s to %s%n", q, source.cluster(), t1, t2);
      rows.forEach(r -> out.println(r.text()));
      out.flush();
      return ExitCodes.OK;
    } catch (HistoryException e) {
      throw new BadInputException("fenceline history: " + e.getMessage());
    }
  }
}
