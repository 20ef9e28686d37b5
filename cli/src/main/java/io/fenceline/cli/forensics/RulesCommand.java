package io.fenceline.cli.forensics;

import io.fenceline.broker.BrokerResolver;
import io.fenceline.cli.BadInputException;
import io.fenceline.cli.io.PayloadWriter;
import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.render.NodePayload;
import io.fenceline.forensics.ClusterHistory;
import io.fenceline.forensics.HistoryException;
import io.fenceline.forensics.ReceiptLookup;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fenceline rules}: the payload a node should have had at a moment, and what its applier had
 * acknowledged.
 */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = {
      "The payload a node should have had at a moment (what `fenceline compile` gives for the",
      "cluster state at that moment, rebuilt from the event log), and, where receipts are retained, the",
      "facts offset the node's applier had acknowledged then and whether it was current.",
      "Exit 0; 2 for bad input or a moment the log cannot answer for; 4 when the log does not describe the",
      "cluster at that moment."
    })
public final class RulesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HistorySource source;

  @Option(names = "--node", required = true, paramLabel = "NODE")
  String node;

  @Option(
      names = "--at",
      defaultValue = "now",
      paramLabel = "T",
      description = "RFC 3339 time, now, or relative (-2h, -90m). Default: ${DEFAULT-VALUE}.")
  String at;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Write DIR/<node>/{ipset,iptables,ip6tables}.restore as `compile` does, instead of printing.")
  Path outDir;

  @Override
  public Integer call() {
    Instant t = source.moment(at, "--at");
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (BrokerResolver.Resolved broker = source.broker();
        ClusterHistory h = source.open(broker)) {
      ClusterHistory.At state = h.at(t);
      HistorySource.notes(h, err);
      CompiledCluster compiled = CompiledCluster.fromScratch(state.state().upserts());
      NodePayload p = compiled.payload(node);
      if (!compiled.nodes().contains(node)) {
        err.println(
            "note: no pod of cluster "
                + source.cluster()
                + " ran on node "
                + node
                + " at "
                + t
                + "; the payload is the empty one");
      }
      err.printf(
          "cluster %s at %s: %d objects from %s, up to offset %d of partition %d of fenceline.events%n",
          source.cluster(),
          t,
          state.state().size(),
          state.source(),
          state.state().nextOffset() - 1,
          h.partition());
      try (ReceiptLookup receipts =
          new ReceiptLookup(broker.bootstrapServers(), source.clientProperties())) {
        ReceiptLookup.AtMoment r = receipts.at(source.cluster(), node, t);
        if (r == null) {
          err.printf(
              "applier: no receipt of %s/%s applied at or before %s is retained%n",
              source.cluster(), node, t);
        } else {
          err.printf(
              "applier: at %s the node had acknowledged facts up to offset %d of partition %d "
                  + "(receipt of %s, result %s); facts written by then: %d; %s%n",
              t,
              r.receipt().factsOffset(),
              r.receipt().partition(),
              r.receipt().appliedAt(),
              r.receipt().result(),
              r.factsAtT(),
              r.current() ? "current" : "NOT current");
        }
      }
      if (outDir != null) {
        PayloadWriter.writeNode(outDir, p);
        err.println("wrote " + outDir.resolve(node));
      } else {
        out.println("# ipset.restore");
        out.print(p.ipsetRestore());
        out.println("# iptables.restore");
        out.print(p.iptablesRestore());
        out.println("# ip6tables.restore");
        out.print(p.ip6tablesRestore());
      }
      out.flush();
      return HistorySource.exitCode(err, state);
    } catch (HistoryException e) {
      throw new BadInputException("fenceline rules: " + e.getMessage());
    }
  }
}
