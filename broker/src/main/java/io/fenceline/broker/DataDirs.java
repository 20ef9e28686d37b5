package io.fenceline.broker;

import java.nio.file.Path;

/** Where fenceline keeps local state (the embedded broker's logs, its address file) by default. */
public final class DataDirs {
  /** System property the launcher sets to the repository root. */
  public static final String ROOT_PROPERTY = "fenceline.root";

  /** Name of the data folder under the repository root. */
  public static final String DEFAULT_NAME = ".fenceline";

  private DataDirs() {}

  /**
   * {@code <repository root>/.fenceline}: the root comes from the system property {@value
   * #ROOT_PROPERTY} (the {@code ./fenceline} launcher passes it) and falls back to the working
   * directory.
   */
  public static Path defaultDataDir() {
    String root = System.getProperty(ROOT_PROPERTY);
    if (root == null || root.isBlank()) {
      root = System.getProperty("user.dir");
    }
    return Path.of(root).toAbsolutePath().normalize().resolve(DEFAULT_NAME);
  }
}
