package io.fenceline.cli.io;

import io.fenceline.broker.BrokerResolver;
import io.fenceline.broker.DataDirs;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Which broker a command uses (a picocli mixin): the one of {@code --bootstrap-servers}, or the
 * embedded one of {@code --data-dir}.
 */
public final class BrokerAddress {
  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: the embedded broker of --data-dir).")
  String bootstrapServers;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Data directory (default: .fenceline/ in the repository root).")
  Path dataDir;

  public Path dataDir() {
    return dataDir == null ? DataDirs.defaultDataDir() : dataDir;
  }

  /**
   * The broker to use; {@code startIfNone}: start the embedded one in this process when none runs.
   */
  public BrokerResolver.Resolved resolve(boolean startIfNone) {
    return BrokerResolver.resolve(bootstrapServers, dataDir(), startIfNone);
  }
}
