package io.fenceline.testcontainers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * This module's tests need a Docker daemon and the fenceline image holding the code under test.
 * Missing: with CI=true the test fails (CI must not pass by skipping); elsewhere it is aborted with
 * a loud message, as the integration tests' DockerRequirement does. When the image name is the
 * default, {@code docker/build-offline-images.sh fenceline} (re)builds it from {@code
 * cli/target/fenceline.jar} once per JVM (seconds when only the jar changed). Register it before
 * {@code @Fenceline} so it runs first.
 */
public final class DockerRequired implements BeforeAllCallback {
  private static String problem;
  private static boolean checked;

  @Override
  public void beforeAll(ExtensionContext context) {
    String p = problem();
    if (p == null) {
      return;
    }
    String msg =
        "FENCELINE TESTCONTAINERS TESTS NOT RUN: need a running Docker daemon and the image "
            + FencelineImage.name()
            + " (docker/build-offline-images.sh; or -Dfenceline.image=NAME), and "
            + "TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost where no "
            + "registry is reachable ("
            + p
            + ")";
    System.err.println("*** " + msg + " ***");
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(msg + " [CI=true: failing instead of skipping]");
    }
    Assumptions.abort(msg);
  }

  static synchronized String problem() {
    if (checked) {
      return problem;
    }
    checked = true;
    boolean docker;
    try {
      docker = DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | Error e) {
      docker = false;
    }
    if (!docker) {
      problem = "no Docker daemon reachable";
      return problem;
    }
    String image = FencelineImage.name().asCanonicalNameString();
    if (System.getProperty(FencelineImage.PROPERTY, "").isBlank()
        && (System.getenv(FencelineImage.ENV) == null
            || System.getenv(FencelineImage.ENV).isBlank())) {
      problem = buildImage();
      if (problem != null) {
        return problem;
      }
    }
    try {
      DockerClientFactory.instance().client().inspectImageCmd(image).exec();
    } catch (RuntimeException e) {
      problem = "image " + image + " is not present locally";
    }
    return problem;
  }

  /** docker/build-offline-images.sh fenceline: null when it succeeded, else what went wrong. */
  private static String buildImage() {
    String repo = System.getProperty("fenceline.repo.dir");
    if (repo == null) {
      return "fenceline.repo.dir is not set (the build sets it): cannot build "
          + FencelineImage.DEFAULT;
    }
    Path script = Path.of(repo, "docker", "build-offline-images.sh");
    try {
      Path log = Files.createTempFile("fenceline-image", ".log");
      Process p =
          new ProcessBuilder("bash", script.toString(), "fenceline")
              .directory(Path.of(repo).toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      boolean done = p.waitFor(15, TimeUnit.MINUTES);
      String out = Files.readString(log, StandardCharsets.UTF_8);
      Files.deleteIfExists(log);
      System.err.print(out);
      if (!done) {
        p.destroyForcibly();
        return "building " + FencelineImage.DEFAULT + " timed out";
      }
      return p.exitValue() == 0 ? null : "building " + FencelineImage.DEFAULT + " failed: " + out;
    } catch (IOException e) {
      return "cannot run " + script + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while building the image";
    }
  }
}
