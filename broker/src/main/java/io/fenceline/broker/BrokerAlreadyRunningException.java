package io.fenceline.broker;

import java.nio.file.Path;
import java.util.Optional;

/** Another broker (in this or another process) holds the data dir. */
public final class BrokerAlreadyRunningException extends BrokerException {
  private static final long serialVersionUID = 1L;
  private final String bootstrapServers;

  BrokerAlreadyRunningException(Path dataDir, Optional<String> bootstrapServers) {
    super(
        "a broker for data dir "
            + dataDir
            + " is already running or starting"
            + bootstrapServers.map(b -> " at " + b).orElse("")
            + "; use it, or stop it first");
    this.bootstrapServers = bootstrapServers.orElse(null);
  }

  /** The running broker's address, when it has already published it. */
  public Optional<String> bootstrapServers() {
    return Optional.ofNullable(bootstrapServers);
  }
}
