package io.fenceline.it.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.cli.io.PayloadWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker/compose.yaml} comes up as shipped (images from FENCELINE_IMAGE /
 * FENCELINE_KAFKA_IMAGE, no pulls): the dry-run applier of node-1 writes the compile payload of the
 * manifests ingest watches, follows an edit of those files (--watch: the policy file deleted), and
 * {@code status} (the tools profile) exits 0. Runs the Compose CLI of the machine: the v2 plugin,
 * or v1 docker-compose.
 */
class ComposeStackIT {
  static final Duration CONVERGE = Duration.ofSeconds(120);

  @TempDir Path dir;

  @BeforeAll
  static void requirements() {
    DockerRequirement.checkWithCompose();
  }

  @Test
  void composeStackComesUpAndFollowsTheManifests() throws Exception {
    Compose compose = Compose.detect().orElseThrow();
    Path file = ContainerImages.repoDir().resolve("docker/compose.yaml");
    Path manifests = dir.resolve("manifests");
    Payloads.copyTree(ContainerImages.repoDir().resolve("examples"), manifests);
    Path withPolicy = Payloads.compile(manifests, dir.resolve("compiled-1")).get("node-1");
    Path step2 = dir.resolve("step2");
    Files.createDirectories(step2);
    // What the watched folder holds once the seed policy's file is deleted: every other file.
    try (var files = Files.list(manifests)) {
      for (Path f : files.toList()) {
        if (!f.getFileName().toString().equals("seed-policy.yaml")) {
          Files.copy(f, step2.resolve(f.getFileName()));
        }
      }
    }
    Path withoutPolicy = Payloads.compile(step2, dir.resolve("compiled-2")).get("node-1");

    String project = "fenceline-it-" + ProcessHandle.current().pid();
    Map<String, String> env =
        Map.of(
            "FENCELINE_IMAGE",
            ContainerImages.fenceline(),
            "FENCELINE_KAFKA_IMAGE",
            ContainerImages.kafka(),
            "FENCELINE_MANIFESTS",
            manifests.toString());
    System.err.println(
        "[compose] "
            + String.join(" ", compose.command())
            + " ("
            + compose.version()
            + "), project "
            + project);
    long t0 = System.nanoTime();
    try {
      ContainerImages.Cli.Result up = compose.run(file, project, env, 300, "up", "-d");
      assertThat(up.exitCode()).as("compose up:\n" + up.output()).isZero();
      long tUp = System.nanoTime();
      String applier = compose.run(file, project, env, 60, "ps", "-q", "applier").output().strip();
      assertThat(applier).as("applier container id").isNotEmpty();

      awaitPayload(applier, withPolicy, "examples/");
      long tFirst = System.nanoTime();

      Files.delete(
          manifests.resolve("seed-policy.yaml")); // ingest --watch republishes: the policy is gone
      awaitPayload(applier, withoutPolicy, "policy file deleted");
      long tWatch = System.nanoTime();

      ContainerImages.Cli.Result status =
          compose.run(file, project, env, 120, "run", "--rm", "status");
      assertThat(status.exitCode()).as("status:\n" + status.output()).isZero();
      assertThat(status.output()).contains("node-1");
      System.err.printf(
          "[compose] up %.1f s, first payload %.1f s after up, --watch edit followed in %.1f s%n",
          (tUp - t0) / 1e9, (tFirst - tUp) / 1e9, (tWatch - tFirst) / 1e9);
    } catch (AssertionError | RuntimeException e) {
      System.err.println(
          compose.run(file, project, env, 60, "logs", "--no-color", "--tail", "60").output());
      throw e;
    } finally {
      ContainerImages.Cli.Result down =
          compose.run(file, project, env, 120, "down", "-v", "--remove-orphans");
      if (down.exitCode() != 0) {
        System.err.println("[compose] down failed:\n" + down.output());
      }
    }
  }

  private void awaitPayload(String container, Path expected, String what) throws Exception {
    long deadline = System.nanoTime() + CONVERGE.toNanos();
    Optional<String> last;
    do {
      Path copy = Files.createTempDirectory(dir, "out-");
      ContainerImages.Cli.Result cp =
          ContainerImages.Cli.run(
              List.of("docker", "cp", container + ":/out/node-1/.", copy.toString()),
              null,
              Map.of(),
              60);
      last =
          cp.exitCode() != 0
              ? Optional.of("docker cp: " + cp.output().strip())
              : Payloads.difference("node-1", copy, expected);
      if (last.isEmpty()) {
        return;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(
        "compose stack, "
            + what
            + ": node-1 payload ("
            + String.join(", ", PayloadWriter.FILES)
            + ") not equal to compile within "
            + CONVERGE.toSeconds()
            + " s; last difference: "
            + last.get());
  }
}
