package io.fenceline.it.conformance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A node applier in its own process ({@code fenceline applier} from the test classpath), so it can
 * be killed with SIGKILL like a real one, and run with a PATH that wraps kernel tools.
 */
final class ApplierProcess implements AutoCloseable {
  private final FencelineProcess process;
  final Path log;

  private ApplierProcess(FencelineProcess process) {
    this.process = process;
    this.log = process.log;
  }

  static ApplierProcess start(
      String node,
      String cluster,
      String bootstrap,
      String netns,
      Path logDir,
      Map<String, String> env)
      throws IOException {
    return new ApplierProcess(
        FencelineProcess.start(
            "applier-" + node,
            logDir,
            "256m",
            env,
            List.of(
                "applier",
                "--node",
                node,
                "--cluster",
                cluster,
                "--bootstrap-servers",
                bootstrap,
                "--netns",
                netns,
                "--drift-interval",
                "1")));
  }

  /** SIGKILL: no shutdown hook runs, nothing is cleaned up, as when a node's agent crashes. */
  void kill() throws InterruptedException {
    process.kill();
  }

  boolean alive() {
    return process.alive();
  }

  String logTail(int lines) {
    return process.logTail(lines);
  }

  @Override
  public void close() throws InterruptedException {
    process.stop(30);
  }
}
