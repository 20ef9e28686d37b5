package io.fenceline.cli.forensics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.fenceline.broker.BrokerResolver;
import io.fenceline.cli.BadInputException;
import io.fenceline.core.history.EventRef;
import io.fenceline.core.history.StateDiff;
import io.fenceline.forensics.ClusterHistory;
import io.fenceline.forensics.HistoryException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fenceline diff}: what changed in the enforced state between two moments, and why. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "What changed in the enforced state of a cluster between two moments, rebuilt from the",
      "event log: policies added, removed or changed; pods isolated or no longer isolated; set members",
      "added or removed; flows between pods whose verdict flipped; each with the events responsible.",
      "Exit 0; 2 for bad input or a moment the log cannot answer for; 4 when either moment is unknown."
    })
public final class DiffCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HistorySource source;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "T1",
      description = "RFC 3339 time, now, or relative (-2h).")
  String from;

  @Option(
      names = "--to",
      defaultValue = "now",
      paramLabel = "T2",
      description = "Default: ${DEFAULT-VALUE}.")
  String to;

  @Option(
      names = "--node",
      paramLabel = "NODE",
      description = "Only the pods and sets of this node.")
  String node;

  @Option(
      names = "--max-flow-pods",
      defaultValue = "200",
      paramLabel = "N",
      description = "Compare flows only when at most N pods exist (default: ${DEFAULT-VALUE}).")
  int maxFlowPods;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  String output;

  @Override
  public Integer call() throws Exception {
    Instant t1 = source.moment(from, "--from");
    Instant t2 = source.moment(to, "--to");
    if (t2.isBefore(t1)) {
      throw new BadInputException("--to " + t2 + " is before --from " + t1);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (BrokerResolver.Resolved broker = source.broker();
        ClusterHistory h = source.open(broker)) {
      ClusterHistory.At a = h.at(t1);
      ClusterHistory.At before =
          new ClusterHistory.At(a.at(), a.state().copy(), a.stop(), a.unknown(), a.source());
      List<StateDiff.Applied> between = new ArrayList<>();
      ClusterHistory.At b = h.continueTo(a, t2, between::add);
      HistorySource.notes(h, err);
      StateDiff d = StateDiff.between(before.state(), b.state(), between, node, maxFlowPods);
      if (output.equals("json")) {
        ObjectMapper json =
            JsonMapper.builder()
                .addModule(
                    new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance))
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();
        out.println(json.writeValueAsString(d));
      } else {
        table(out, d, t1, t2);
      }
      out.flush();
      return HistorySource.exitCode(err, before, b);
    } catch (HistoryException e) {
      throw new BadInputException("fenceline diff: " + e.getMessage());
    }
  }

  private void table(PrintWriter out, StateDiff d, Instant t1, Instant t2) {
    out.printf(
        "cluster %s%s from %s to %s: %d events%n",
        source.cluster(), node == null ? "" : " node " + node, t1, t2, d.events());
    if (d.isEmpty()) {
      out.println("no change in the enforced state");
    }
    for (StateDiff.PolicyChange p : d.policies()) {
      out.printf(
          "policy %-8s %s (resourceVersion %s -> %s)%n",
          p.change(), p.label(), dash(p.rvBefore()), dash(p.rvAfter()));
      events(out, p.events());
    }
    for (StateDiff.IsolationChange i : d.isolation()) {
      out.printf(
          "pod %s %s for %s (isolating policies %s -> %s)%n",
          i.pod(),
          i.after() ? "became isolated" : "no longer isolated",
          i.direction().name().toLowerCase(java.util.Locale.ROOT),
          i.policiesBefore(),
          i.policiesAfter());
      events(out, i.events());
    }
    for (StateDiff.MemberChange m : d.members()) {
      out.printf("set %s %s %s (%s)%n", m.set(), m.added() ? "+" : "-", m.member(), m.definition());
      events(out, m.events());
    }
    for (StateDiff.FlowFlip f : d.flows()) {
      out.printf(
          "flow %s -> %s %d/%s: %s -> %s%n",
          f.src(), f.dst(), f.port(), f.protocol(), verdict(f.before()), verdict(f.after()));
      events(out, f.events());
    }
    if (d.flowsSkipped() != null) {
      out.println("flows not compared: " + d.flowsSkipped());
    }
  }

  private static void events(PrintWriter out, List<EventRef> events) {
    for (EventRef e : events) {
      out.println("    by " + e);
    }
  }

  private static String verdict(boolean allowed) {
    return allowed ? "allowed" : "denied";
  }

  private static String dash(String s) {
    return s == null ? "-" : s;
  }
}
