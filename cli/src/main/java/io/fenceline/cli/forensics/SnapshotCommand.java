package io.fenceline.cli.forensics;

import io.fenceline.broker.BrokerResolver;
import io.fenceline.cli.BadInputException;
import io.fenceline.cli.ExitCodes;
import io.fenceline.forensics.ClusterHistory;
import io.fenceline.forensics.HistoryException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fenceline snapshot}: snapshots of a cluster's input state, so that queries start near T
 * and history outlives retention.
 */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description = {
      "Write snapshots of a cluster's input state (every object in force and the log offset it",
      "stands for) from the newest existing snapshot to the end of the log: one every --every records and",
      "one at the end. Queries start from the nearest earlier snapshot; run this more often than the",
      "retention of fenceline.events (30 days by default) so that history survives it."
    })
public final class SnapshotCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HistorySource source;

  @Option(
      names = "--every",
      defaultValue = "100000",
      paramLabel = "N",
      description = "Records between snapshots (default: ${DEFAULT-VALUE}).")
  long every;

  @Override
  public Integer call() throws Exception {
    if (every < 1) {
      throw new BadInputException("--every must be positive");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (BrokerResolver.Resolved broker = source.broker();
        ClusterHistory h = source.open(broker)) {
      List<Path> written = h.snapshotToEnd(every);
      HistorySource.notes(h, spec.commandLine().getErr());
      for (Path p : written) {
        out.println(p);
      }
      out.println(
          written.isEmpty()
              ? "nothing new to snapshot for cluster " + source.cluster()
              : "wrote "
                  + written.size()
                  + " snapshots of cluster "
                  + source.cluster()
                  + " to "
                  + source.snapshots().dir());
      out.flush();
      return ExitCodes.OK;
    } catch (HistoryException e) {
      throw new BadInputException("fenceline snapshot: " + e.getMessage());
    }
  }
}
