package io.fenceline.engine;

import io.fenceline.engine.topology.EngineTopology;
import io.fenceline.kafka.topics.TopicAdmin;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the engine: makes sure the topics are right, then runs the topology until closed. */
public final class Engine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  private final KafkaStreams streams;

  private Engine(KafkaStreams streams) {
    this.streams = streams;
  }

  public static Engine start(EngineConfig config) {
    Map<String, Object> adminProps = new java.util.HashMap<>(config.extraStreamsConfig());
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    try (Admin admin = Admin.create(adminProps)) {
      TopicAdmin.ensure(admin, config.layout().specs());
    }
    KafkaStreams streams = new KafkaStreams(
        EngineTopology.build(config.layout().nodeFactPartitions()), config.streamsProperties());
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("engine stream thread failed; replacing it", e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.start();
    LOG.info("engine started (application {}, node-facts partitions {})", config.applicationId(),
        config.layout().nodeFactPartitions());
    return new Engine(streams);
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}
