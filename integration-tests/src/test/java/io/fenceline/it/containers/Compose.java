package io.fenceline.it.containers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Compose CLI of this machine: the v2 plugin ({@code docker compose}) when present, else v1
 * ({@code docker-compose}, Debian's docker-compose package). Testcontainers' own compose support is
 * not used: it starts helper containers (socat, the compose image) that cannot be pulled without a
 * registry.
 */
record Compose(List<String> command, String version) {
  static Optional<Compose> detect() {
    for (List<String> c : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
      List<String> cmd = new ArrayList<>(c);
      cmd.add("version");
      ContainerImages.Cli.Result r = ContainerImages.Cli.run(cmd, null, Map.of(), 60);
      if (r.exitCode() == 0) {
        return Optional.of(new Compose(c, r.output().lines().findFirst().orElse("").strip()));
      }
    }
    return Optional.empty();
  }

  /**
   * Runs {@code <compose> -f FILE -p PROJECT ARGS...} with ENV added to this process's environment.
   */
  ContainerImages.Cli.Result run(
      Path file, String project, Map<String, String> env, long timeoutSeconds, String... args) {
    List<String> cmd = new ArrayList<>(command);
    cmd.addAll(List.of("-f", file.toString(), "-p", project));
    cmd.addAll(List.of(args));
    return ContainerImages.Cli.run(cmd, file.getParent(), env, timeoutSeconds);
  }
}
