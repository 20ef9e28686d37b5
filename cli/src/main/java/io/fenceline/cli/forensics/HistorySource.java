package io.fenceline.cli.forensics;

import io.fenceline.broker.BrokerResolver;
import io.fenceline.cli.BadInputException;
import io.fenceline.cli.io.KafkaConnection;
import io.fenceline.core.history.MomentSpec;
import io.fenceline.forensics.ClusterHistory;
import io.fenceline.forensics.ProgressBar;
import io.fenceline.forensics.SnapshotStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the forensic commands read a cluster's past (a picocli mixin): the broker (embedded one of
 * --data-dir by default), the cluster id, and the snapshot folder.
 */
public final class HistorySource {
  @Mixin KafkaConnection kafka;

  @Option(
      names = "--cluster",
      defaultValue = "default",
      paramLabel = "ID",
      description = "Cluster id (default: ${DEFAULT-VALUE}).")
  String cluster;

  @Option(
      names = "--snapshots",
      paramLabel = "DIR",
      description = "Snapshot folder (default: snapshots/ in the data directory).")
  Path snapshots;

  private final Clock clock = Clock.systemUTC();

  public String cluster() {
    return cluster;
  }

  public SnapshotStore snapshots() {
    return new SnapshotStore(snapshots != null ? snapshots : kafka.dataDir().resolve("snapshots"));
  }

  public Instant moment(String text, String option) {
    try {
      return MomentSpec.parse(text, clock.instant());
    } catch (IllegalArgumentException e) {
      throw new BadInputException(option + ": " + e.getMessage());
    }
  }

  /**
   * The broker: the given one, or the embedded one of the data directory (started here if none
   * runs).
   */
  public BrokerResolver.Resolved broker() {
    return kafka.resolve(true);
  }

  public ClusterHistory open(BrokerResolver.Resolved broker) {
    try {
      return new ClusterHistory(
          broker.bootstrapServers(),
          kafka.clientProperties(),
          cluster,
          snapshots(),
          ProgressBar::forTerminal,
          clock);
    } catch (IllegalStateException e) {
      throw new BadInputException("fenceline: " + e.getMessage());
    }
  }

  public java.util.Map<String, Object> clientProperties() {
    return kafka.clientProperties();
  }

  /** Warns of every moment the log does not describe; exit 4 if there is one, else 0. */
  static int exitCode(PrintWriter err, ClusterHistory.At... moments) {
    int code = io.fenceline.cli.ExitCodes.OK;
    for (ClusterHistory.At x : moments) {
      if (x.unknown() != null) {
        err.println("warning: the state at " + x.at() + " is unknown: " + x.unknown());
        code = io.fenceline.cli.ExitCodes.UNKNOWN;
      }
    }
    err.flush();
    return code;
  }

  static void notes(ClusterHistory h, PrintWriter err) {
    for (String n : h.notes()) {
      err.println("note: " + n);
    }
    err.flush();
  }
}
