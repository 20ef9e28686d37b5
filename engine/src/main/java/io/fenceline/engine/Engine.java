package io.fenceline.engine;

import io.fenceline.engine.health.EngineMonitor;
import io.fenceline.engine.topology.EngineTopology;
import io.fenceline.kafka.topics.TopicAdmin;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the engine: makes sure the topics are right, then runs the topology until closed. */
public final class Engine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  /**
   * Default threshold of {@code /healthz} for an input partition whose committed offset does not
   * move.
   */
  public static final Duration DEFAULT_STUCK_AFTER = Duration.ofSeconds(60);

  private final KafkaStreams streams;
  private final EngineMonitor monitor;

  private Engine(KafkaStreams streams, EngineMonitor monitor) {
    this.streams = streams;
    this.monitor = monitor;
  }

  public static Engine start(EngineConfig config) {
    return start(config, DEFAULT_STUCK_AFTER);
  }

  /**
   * Starts the engine; its {@link #monitor()} calls an input partition stuck when events wait there
   * and the committed offset has not moved for longer than {@code stuckAfter}.
   */
  public static Engine start(EngineConfig config, Duration stuckAfter) {
    Map<String, Object> adminProps = new java.util.HashMap<>(config.extraStreamsConfig());
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    try (Admin admin = Admin.create(adminProps)) {
      TopicAdmin.ensure(admin, config.layout().specs());
    }
    KafkaStreams streams =
        new KafkaStreams(
            EngineTopology.build(
                config.layout().nodeFactPartitions(), config.layout().eventPartitions()),
            config.streamsProperties());
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("engine stream thread failed; replacing it", e);
          return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
              .StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    streams.start();
    // Samples often enough that a stuck partition shows within about a quarter of the threshold.
    Duration sampleEvery =
        Duration.ofMillis(Math.max(500, Math.min(10_000, stuckAfter.toMillis() / 4)));
    EngineMonitor monitor =
        new EngineMonitor(
            streams,
            config.applicationId(),
            adminProps,
            stuckAfter,
            sampleEvery,
            java.time.Clock.systemUTC());
    LOG.info(
        "engine started (application {}, node-facts partitions {})",
        config.applicationId(),
        config.layout().nodeFactPartitions());
    return new Engine(streams, monitor);
  }

  /** The Kafka Streams instance, for tests in this package (e.g. to pause processing). */
  KafkaStreams streams() {
    return streams;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Health (for {@code /healthz}, {@code /livez}) and Prometheus metrics of this engine. */
  public EngineMonitor monitor() {
    return monitor;
  }

  @Override
  public void close() {
    monitor.close();
    // A static member that closes cleanly leaves the group, so its tasks move to the other
    // instances at once (a crashed one is replaced within the session timeout, or at once when it
    // restarts under the same instance id).
    streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30)));
  }
}
