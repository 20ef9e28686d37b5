package io.fenceline.it.containers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * Container tests need a Docker daemon and the images ({@link ContainerImages}). Missing: with
 * CI=true the test fails (a CI job must not silently skip them); elsewhere it is aborted with a
 * loud message saying what is needed, like {@code io.fenceline.it.netns.RootRequirement}.
 */
public final class DockerRequirement {
  static final String NEEDED =
      "a running Docker daemon (e.g. apt-get install docker.io; dockerd &), the images "
          + ContainerImages.fenceline()
          + " and "
          + ContainerImages.kafka()
          + " (offline: docker/build-offline-images.sh; or set FENCELINE_IMAGE / FENCELINE_KAFKA_IMAGE), and in the test "
          + "JVM's environment TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost where no "
          + "registry is reachable";

  private static List<String> cached;

  private DockerRequirement() {}

  /**
   * Docker and the images; also (re)builds the fenceline image from the current jar when that is
   * ours to do.
   */
  public static void check() {
    report(problems());
  }

  /** As {@link #check()}, plus a Compose CLI (v2 plugin or v1 docker-compose). */
  public static void checkWithCompose() {
    List<String> problems = new ArrayList<>(problems());
    if (problems.isEmpty() && Compose.detect().isEmpty()) {
      problems.add(
          "neither `docker compose` (v2) nor `docker-compose` (v1; apt-get install docker-compose) works");
    }
    report(problems);
  }

  private static void report(List<String> problems) {
    if (problems.isEmpty()) {
      return;
    }
    String msg =
        "CONTAINER TESTS NOT RUN: need " + NEEDED + " (" + String.join("; ", problems) + ")";
    System.err.println("*** " + msg + " ***");
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(msg + " [CI=true: failing instead of skipping]");
    }
    Assumptions.abort(msg);
  }

  static synchronized List<String> problems() {
    if (cached != null) {
      return cached;
    }
    List<String> problems = new ArrayList<>();
    boolean docker;
    try {
      docker = DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | Error e) {
      docker = false;
    }
    if (!docker) {
      problems.add("no Docker daemon reachable");
      cached = problems;
      return problems;
    }
    if (!"true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
      System.err.println(
          "[containers] note: TESTCONTAINERS_RYUK_DISABLED is not true: Testcontainers will try to "
              + "pull the Ryuk image (a long hang where no registry is reachable)");
    }
    try {
      ContainerImages.ensureFencelineImage();
    } catch (RuntimeException e) {
      problems.add(e.getMessage());
    }
    for (String image : List.of(ContainerImages.fenceline(), ContainerImages.kafka())) {
      if (!present(image)) {
        problems.add("image " + image + " is not present locally");
      }
    }
    cached = problems;
    return problems;
  }

  private static boolean present(String image) {
    try {
      DockerClientFactory.instance().client().inspectImageCmd(image).exec();
      return true;
    } catch (RuntimeException e) {
      // not local: with a registry, Testcontainers pulls it on first use
      ContainerImages.Cli.Result pull =
          ContainerImages.Cli.run(List.of("docker", "pull", "-q", image), null, Map.of(), 120);
      return pull.exitCode() == 0;
    }
  }
}
