package io.fenceline.it.containers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The images the container tests run, and where the repository is.
 *
 * <p>Names come from system properties or the environment: {@code fenceline.image} / {@code
 * FENCELINE_IMAGE} (default {@value #DEFAULT_FENCELINE}) and {@code fenceline.kafka.image} / {@code
 * FENCELINE_KAFKA_IMAGE} (default {@value #DEFAULT_KAFKA}; with a registry e.g. {@code
 * apache/kafka:4.1.0}). Without a registry, {@code docker/build-offline-images.sh} builds the
 * defaults.
 *
 * <p>The fenceline image must hold the code under test: when its name is the default (or {@code
 * FENCELINE_IMAGE_BUILD=true}), {@link #ensureFencelineImage()} runs {@code
 * docker/build-offline-images.sh fenceline} once per JVM, which rebuilds it (seconds, on the cached
 * base layer) only when its jar differs from {@code cli/target/fenceline.jar}. An image named by
 * the user is used as is.
 */
public final class ContainerImages {
  public static final String DEFAULT_FENCELINE = "fenceline:local";
  public static final String DEFAULT_KAFKA = "fenceline-kafka:local";

  private static boolean fencelineChecked;

  private ContainerImages() {}

  public static String fenceline() {
    return setting("fenceline.image", "FENCELINE_IMAGE", DEFAULT_FENCELINE);
  }

  public static String kafka() {
    return setting("fenceline.kafka.image", "FENCELINE_KAFKA_IMAGE", DEFAULT_KAFKA);
  }

  /** Whether this run (re)builds the fenceline image from the current jar. */
  static boolean buildsFencelineImage() {
    String explicit = setting("fenceline.image.build", "FENCELINE_IMAGE_BUILD", "");
    if (!explicit.isEmpty()) {
      return Boolean.parseBoolean(explicit);
    }
    return fenceline().equals(DEFAULT_FENCELINE);
  }

  /**
   * The repository root: {@code fenceline.repo.dir}, else the first ancestor of the working dir
   * with docker/.
   */
  public static Path repoDir() {
    String prop = System.getProperty("fenceline.repo.dir");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docker/compose.yaml"))
          && Files.isDirectory(p.resolve("examples"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the repository root (set -Dfenceline.repo.dir)");
  }

  /** Builds (or confirms) the fenceline image from the current jar; once per JVM. */
  static synchronized void ensureFencelineImage() {
    if (fencelineChecked || !buildsFencelineImage()) {
      return;
    }
    Path script = repoDir().resolve("docker/build-offline-images.sh");
    Cli.Result r =
        Cli.run(
            List.of("bash", script.toString(), "fenceline"),
            repoDir(),
            Map.of("FENCELINE_IMAGE", fenceline()),
            900);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          "building " + fenceline() + " failed (exit " + r.exitCode() + "):\n" + r.output());
    }
    System.err.print(r.output());
    fencelineChecked = true;
  }

  static String setting(String property, String env, String dflt) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      v = System.getenv(env);
    }
    return v == null || v.isBlank() ? dflt : v.trim();
  }

  /** Runs a command line tool (docker, compose, the build script), output and error merged. */
  static final class Cli {
    private Cli() {}

    record Result(int exitCode, String output) {}

    static Result run(List<String> cmd, Path dir, Map<String, String> env, long timeoutSeconds) {
      ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true);
      if (dir != null) {
        pb.directory(dir.toFile());
      }
      pb.environment().putAll(env);
      try {
        Path out = Files.createTempFile("fenceline-cli", ".out");
        try {
          pb.redirectOutput(out.toFile());
          Process p = pb.start();
          if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            return new Result(
                124,
                Files.readString(out, StandardCharsets.UTF_8)
                    + "\n[timed out after "
                    + timeoutSeconds
                    + " s: "
                    + String.join(" ", cmd)
                    + "]");
          }
          return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
          Files.deleteIfExists(out);
        }
      } catch (IOException e) {
        return new Result(127, "cannot run " + String.join(" ", cmd) + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Result(130, "interrupted: " + String.join(" ", cmd));
      }
    }
  }
}
