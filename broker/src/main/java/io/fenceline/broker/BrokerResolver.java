package io.fenceline.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Finds the Kafka a command should talk to (DESIGN.md, command-line conventions): an explicit
 * {@code --bootstrap-servers}, else the running embedded broker of the data dir, else (only when
 * the command may create one) a new embedded broker in this process.
 */
public final class BrokerResolver {
  /** How long to wait for a broker that another process is starting right now. */
  static final Duration WAIT_FOR_STARTING_BROKER = EmbeddedKafka.DEFAULT_STARTUP_TIMEOUT;

  private BrokerResolver() {}

  /**
   * The broker to use, and the broker this call started (if any): close the result when done, which
   * stops that broker; closing is a no-op when the broker was already running or given.
   */
  public record Resolved(String bootstrapServers, EmbeddedKafka startedBroker)
      implements AutoCloseable {
    /**
     * The broker started in this process by {@link #resolve}, or empty when it was already there.
     */
    public Optional<EmbeddedKafka> started() {
      return Optional.ofNullable(startedBroker);
    }

    @Override
    public void close() {
      if (startedBroker != null) {
        startedBroker.close();
      }
    }
  }

  /**
   * @param bootstrapServersOrNull an explicit {@code --bootstrap-servers}, used as is when not
   *     blank
   * @param dataDir the data dir whose embedded broker to use ({@link DataDirs#defaultDataDir()} by
   *     default)
   * @param startIfNone start an embedded broker in this process when none runs; read-only commands
   *     pass false
   * @throws NoBrokerRunningException when nothing runs and {@code startIfNone} is false
   * @throws BrokerException when a broker could not be started
   */
  public static Resolved resolve(String bootstrapServersOrNull, Path dataDir, boolean startIfNone) {
    if (bootstrapServersOrNull != null && !bootstrapServersOrNull.isBlank()) {
      return new Resolved(bootstrapServersOrNull.trim(), null);
    }
    Path dir = dataDir.toAbsolutePath().normalize();
    Optional<String> running = BrokerDirectory.lookup(dir);
    if (running.isPresent()) {
      return new Resolved(running.get(), null);
    }
    if (!startIfNone) {
      // A broker that is starting right now holds the lock but has not published its address yet.
      if (BrokerDirectory.isLocked(dir)) {
        Optional<String> starting = BrokerDirectory.awaitRunning(dir, WAIT_FOR_STARTING_BROKER);
        if (starting.isPresent()) {
          return new Resolved(starting.get(), null);
        }
      }
      throw new NoBrokerRunningException(dir);
    }
    try {
      EmbeddedKafka kafka = EmbeddedKafka.start(dir);
      return new Resolved(kafka.bootstrapServers(), kafka);
    } catch (BrokerAlreadyRunningException e) {
      Optional<String> other =
          e.bootstrapServers()
              .or(() -> BrokerDirectory.awaitRunning(dir, WAIT_FOR_STARTING_BROKER));
      return new Resolved(other.orElseThrow(() -> e), null);
    }
  }
}
