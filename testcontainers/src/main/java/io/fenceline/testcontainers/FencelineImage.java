package io.fenceline.testcontainers;

import org.testcontainers.utility.DockerImageName;

/**
 * Which fenceline image {@link FencelineContainer} runs: the system property {@value #PROPERTY},
 * else the environment variable {@value #ENV}, else {@value #DEFAULT} (the name {@code
 * docker/build-offline-images.sh} gives the image it builds).
 */
public final class FencelineImage {
  public static final String PROPERTY = "fenceline.image";
  public static final String ENV = "FENCELINE_IMAGE";
  public static final String DEFAULT = "fenceline:local";

  private FencelineImage() {}

  /** The configured image name. */
  public static DockerImageName name() {
    String v = System.getProperty(PROPERTY);
    if (v == null || v.isBlank()) {
      v = System.getenv(ENV);
    }
    return DockerImageName.parse(v == null || v.isBlank() ? DEFAULT : v.trim());
  }
}
