package io.fenceline.it.conformance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node applier in its own process ({@code fenceline applier} from the test classpath), so it can
 * be killed with SIGKILL like a real one, and run with a PATH that wraps kernel tools.
 */
final class ApplierProcess implements AutoCloseable {
  private final Process process;
  final Path log;

  private ApplierProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ApplierProcess start(String node, String cluster, String bootstrap, String netns, Path logDir,
      Map<String, String> env) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), "io.fenceline.cli.Main", "applier",
        "--node", node, "--cluster", cluster, "--bootstrap-servers", bootstrap, "--netns", netns,
        "--drift-interval", "1"));
    Path log = logDir.resolve("applier-" + node + "-" + System.nanoTime() + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return new ApplierProcess(pb.start(), log);
  }

  /** SIGKILL: no shutdown hook runs, nothing is cleaned up, as when a node's agent crashes. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      process.waitFor();
    }
  }
}
