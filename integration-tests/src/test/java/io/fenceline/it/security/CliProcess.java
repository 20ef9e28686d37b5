package io.fenceline.it.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code fenceline} subcommand in its own JVM (the test classpath's CLI), as a service runs:
 * its only way to Kafka is what its arguments and {@code --kafka-config} file say. Output goes to a
 * log file, shown on failure.
 */
final class CliProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final String name;

  private CliProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static CliProcess start(String name, Path logDir, List<String> args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "io.fenceline.cli.Main"));
    cmd.addAll(args);
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new CliProcess(name, p, log);
  }

  /**
   * Runs to the end (at most {@code timeoutSeconds}) and returns its exit code; the output is in
   * {@link #output}.
   */
  int await(long timeoutSeconds) throws InterruptedException {
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(name + " did not finish in " + timeoutSeconds + " s:\n" + output());
    }
    return process.exitValue();
  }

  boolean alive() {
    return process.isAlive();
  }

  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The last lines of the output, for assertion messages. */
  String tail() {
    String[] lines = output().split("\n");
    return name
        + " ("
        + log
        + "), last lines:\n"
        + String.join(
            "\n",
            java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 40), lines.length));
  }

  /** SIGTERM (the services stop cleanly on it), then SIGKILL after 20 s. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
