package io.fenceline.testcontainers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;

/** Runs commands inside a started container: the fenceline CLI, or a shell script. */
final class ContainerCli {
  static final String JAR = "/opt/fenceline/fenceline.jar";

  private final GenericContainer<?> container;

  ContainerCli(GenericContainer<?> container) {
    this.container = container;
  }

  /** {@code fenceline ARGS} in the container; any exit code is returned. */
  ExecResult fenceline(List<String> args) {
    List<String> cmd = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-jar", JAR));
    cmd.addAll(args);
    return exec(cmd);
  }

  /** A bash script; fails unless it exits 0. */
  String bash(String script) {
    ExecResult r = exec(List.of("bash", "-c", script));
    if (r.getExitCode() != 0) {
      throw new IllegalStateException(
          "script failed in the fenceline container (exit "
              + r.getExitCode()
              + "): "
              + r.getStderr().strip());
    }
    return r.getStdout();
  }

  private ExecResult exec(List<String> cmd) {
    try {
      return container.execInContainer(cmd.toArray(String[]::new));
    } catch (IOException e) {
      throw new IllegalStateException("cannot exec in the fenceline container: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
