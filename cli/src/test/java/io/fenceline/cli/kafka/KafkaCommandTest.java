package io.fenceline.cli.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.broker.BrokerDirectory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KafkaCommandTest {
  @TempDir Path dataDir;

  @Test
  @Timeout(60)
  void runsTheBrokerPrintsOnlyItsAddressAndReusesARunningOne() throws Exception {
    KafkaCommand command = new KafkaCommand();
    command.handleSignals = false;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = commandLine(command, out, err);
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(() -> cl.execute("--data-dir", dataDir.toString()));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
    while (out.toString().isEmpty() && !exit.isDone() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    String address = out.toString().strip();
    assertThat(address).matches("127\\.0\\.0\\.1:\\d+");
    assertThat(out.toString()).isEqualTo(address + System.lineSeparator());
    assertThat(BrokerDirectory.lookup(dataDir)).contains(address);

    // A second `fenceline kafka` on the same data dir prints the same address and exits at once.
    StringWriter out2 = new StringWriter();
    StringWriter err2 = new StringWriter();
    KafkaCommand second = new KafkaCommand();
    second.handleSignals = false;
    assertThat(commandLine(second, out2, err2).execute("--data-dir", dataDir.toString())).isZero();
    assertThat(out2.toString()).isEqualTo(address + System.lineSeparator());
    assertThat(err2.toString()).contains("already running");

    command.requestStop();
    assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    assertThat(err.toString()).contains("Kafka broker stopped");
    assertThat(Files.exists(BrokerDirectory.file(dataDir))).isFalse();
  }

  @Test
  void helpWorks() {
    StringWriter out = new StringWriter();
    assertThat(commandLine(new KafkaCommand(), out, new StringWriter()).execute("--help")).isZero();
    assertThat(out.toString()).contains("--data-dir");
  }

  private static CommandLine commandLine(KafkaCommand command, StringWriter out, StringWriter err) {
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl;
  }
}
