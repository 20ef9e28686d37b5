package io.fenceline.cli.kafka;

import io.fenceline.broker.BrokerAlreadyRunningException;
import io.fenceline.broker.BrokerDirectory;
import io.fenceline.broker.DataDirs;
import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.cli.ExitCodes;
import io.fenceline.cli.GracefulStop;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fenceline kafka}: the embedded single-node Kafka broker of a data dir, in the foreground.
 */
@Command(
    name = "kafka",
    mixinStandardHelpOptions = true,
    description = {
      "Run the embedded single-node Kafka broker (KRaft) of a data dir in the foreground.",
      "Prints its bootstrap address (e.g. 127.0.0.1:29092) as the only line on stdout; logs go to stderr.",
      "The address and the topics survive restarts on the same data dir. Stop with Ctrl-C or SIGTERM (exit 0).",
      "If a broker for the data dir is already running, prints its address and exits 0."
    })
public final class KafkaCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Data dir of the broker (default: .fenceline/ in the repository root).")
  Path dataDir;

  private final GracefulStop stop = new GracefulStop("fenceline-kafka-stop", Duration.ZERO);

  /**
   * Tests run in a JVM whose signals are not ours: they stop the command with {@link
   * #requestStop()}.
   */
  boolean handleSignals = true;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = (dataDir != null ? dataDir : DataDirs.defaultDataDir()).toAbsolutePath().normalize();

    Optional<String> running = BrokerDirectory.lookup(dir);
    if (running.isPresent()) {
      return alreadyRunning(out, err, dir, running.get());
    }
    EmbeddedKafka kafka;
    try {
      kafka = EmbeddedKafka.start(dir);
    } catch (BrokerAlreadyRunningException e) {
      if (e.bootstrapServers().isPresent()) {
        return alreadyRunning(out, err, dir, e.bootstrapServers().get());
      }
      throw e;
    }
    try {
      out.println(kafka.bootstrapServers());
      out.flush();
      err.printf(
          "fenceline: Kafka broker running at %s (data dir %s, %s, ready in %d ms); stop with Ctrl-C%n",
          kafka.bootstrapServers(),
          dir,
          kafka.firstStart() ? "new" : "restarted",
          kafka.startupTime().toMillis());
      err.flush();
      if (handleSignals) {
        stop.trapSignals(
            () -> {
              err.println("fenceline: second signal, exiting without waiting for the broker");
              err.flush();
              Runtime.getRuntime().halt(ExitCodes.FAILURE);
            });
      }
      stop.await();
      err.println("fenceline: stopping the Kafka broker...");
      err.flush();
    } finally {
      kafka.close();
    }
    err.println("fenceline: Kafka broker stopped");
    err.flush();
    return ExitCodes.OK;
  }

  /** Stops a running command as SIGTERM does (for tests and for commands that embed this one). */
  public void requestStop() {
    stop.request();
  }

  private static int alreadyRunning(PrintWriter out, PrintWriter err, Path dir, String address) {
    String pid = BrokerDirectory.read(dir).map(e -> " (pid " + e.pid() + ")").orElse("");
    err.printf(
        "fenceline: a Kafka broker for %s is already running at %s%s; not starting another%n",
        dir, address, pid);
    err.flush();
    out.println(address);
    out.flush();
    return ExitCodes.OK;
  }
}
