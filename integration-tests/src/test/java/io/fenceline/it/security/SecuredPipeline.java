package io.fenceline.it.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fenceline.cli.Main;
import io.fenceline.cli.io.PayloadWriter;
import io.fenceline.it.containers.ContainerImages;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole pipeline as separate service processes against one broker address: {@code fenceline
 * ingest} (file source, the repository's {@code examples/}), {@code fenceline engine} and one
 * {@code fenceline applier --dry-run} per node, each given only {@code --bootstrap-servers} and its
 * own {@code --kafka-config} file. Done when every node's payload files are byte for byte what
 * {@code fenceline compile} writes for the same manifests.
 */
final class SecuredPipeline {
  static final List<String> NODES = List.of("node-1", "node-2");
  static final List<String> LAYOUT =
      List.of("--event-partitions", "2", "--node-facts-partitions", "3");

  private SecuredPipeline() {}

  static Path examples() {
    return ContainerImages.repoDir().resolve("examples");
  }

  static List<String> ingestArgs(String bootstrap, Path clientConfig) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "ingest",
                "--manifests",
                examples().toString(),
                "--cluster",
                "default",
                "--bootstrap-servers",
                bootstrap,
                "--kafka-config",
                clientConfig.toString(),
                "--timeout",
                "60"));
    args.addAll(LAYOUT);
    return args;
  }

  /**
   * Runs ingest to completion, then the engine and the appliers until every node's dry-run payload
   * equals the compile output; returns the seconds that took after ingest acknowledged.
   */
  static double runAndAwaitCompileOutput(
      Path dir, String bootstrap, Path ingestConfig, Path engineConfig, Path applierConfig)
      throws Exception {
    Path logs = dir.resolve("logs");
    CliProcess ingest = CliProcess.start("ingest", logs, ingestArgs(bootstrap, ingestConfig));
    assertThat(ingest.await(120)).as(ingest.tail()).isZero();

    Path compiled = dir.resolve("compiled");
    StringWriter err = new StringWriter();
    assertThat(
            Main.commandLine()
                .setErr(new PrintWriter(err))
                .setOut(new PrintWriter(new StringWriter()))
                .execute(
                    "compile", "--manifests", examples().toString(), "--out", compiled.toString()))
        .as(err.toString())
        .isZero();

    long t0 = System.nanoTime();
    Path dry = dir.resolve("dry-run");
    List<String> engineArgs =
        new ArrayList<>(
            List.of(
                "engine",
                "--bootstrap-servers",
                bootstrap,
                "--kafka-config",
                engineConfig.toString(),
                "--state-dir",
                dir.resolve("engine-state").toString()));
    engineArgs.addAll(LAYOUT);
    List<CliProcess> services = new ArrayList<>();
    try {
      services.add(CliProcess.start("engine", logs, engineArgs));
      for (String node : NODES) {
        services.add(
            CliProcess.start(
                "applier-" + node,
                logs,
                List.of(
                    "applier",
                    "--node",
                    node,
                    "--cluster",
                    "default",
                    "--bootstrap-servers",
                    bootstrap,
                    "--kafka-config",
                    applierConfig.toString(),
                    "--dry-run",
                    dry.toString())));
      }
      await("dry-run payloads equal to fenceline compile")
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                for (CliProcess s : services) {
                  assertThat(s.alive()).as("still running: " + s.tail()).isTrue();
                }
                for (String node : NODES) {
                  for (String f : PayloadWriter.FILES) {
                    Path got = dry.resolve(node).resolve(f);
                    assertThat(got).as("%s written; %s", got, services.get(0).tail()).exists();
                    assertThat(read(got))
                        .as("%s %s", node, f)
                        .isEqualTo(read(compiled.resolve(node).resolve(f)));
                  }
                }
              });
      return (System.nanoTime() - t0) / 1e9;
    } finally {
      for (CliProcess s : services) {
        s.close();
      }
    }
  }

  static Path write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p);
  }
}
