package io.fenceline.it.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code fenceline} subcommand in a JVM of its own ({@code io.fenceline.cli.Main} from the test
 * classpath), so that it can be killed with SIGKILL like a crashed service. Its stdout goes to
 * {@code <label>-<n>.out}, its stderr (logs) to {@code <label>-<n>.log} in the log folder.
 */
final class FencelineProcess implements AutoCloseable {
  private final String label;
  private final Process process;
  final Path out;
  final Path log;

  private FencelineProcess(String label, Process process, Path out, Path log) {
    this.label = label;
    this.process = process;
    this.out = out;
    this.log = log;
  }

  /**
   * Starts {@code fenceline ARGS...} with a heap of {@code maxHeap} (e.g. "256m") and extra
   * environment.
   */
  static FencelineProcess start(
      String label, Path logDir, String maxHeap, Map<String, String> env, List<String> args)
      throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "io.fenceline.cli.Main"));
    cmd.addAll(args);
    String name = label + "-" + System.nanoTime();
    Path out = logDir.resolve(name + ".out");
    Path log = logDir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(log.toFile());
    pb.environment().putAll(env);
    return new FencelineProcess(label, pb.start(), out, log);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /**
   * SIGKILL: no shutdown hook runs, nothing is flushed or cleaned up, as when a process crashes.
   */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM, then SIGKILL if it has not exited within {@code seconds}. */
  void stop(int seconds) throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  /** What the process printed on stdout so far. */
  String stdout() {
    try {
      return Files.readString(out);
    } catch (IOException e) {
      return "";
    }
  }

  /** The last lines of its log, for failure messages. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return label
          + " (pid "
          + pid()
          + ", "
          + log
          + "):\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return label + ": no log at " + log;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop(30);
  }
}
