package io.fenceline.cli.io;

import io.fenceline.broker.BrokerResolver;
import io.fenceline.kafka.topics.TopicAdmin;
import io.fenceline.kafka.topics.Topics;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a command reaches Kafka (a picocli mixin shared by every Kafka-using command): a broker given
 * by {@code --bootstrap-servers}, or the embedded one of {@code --data-dir}; client properties
 * (TLS, SASL, ...) from {@code --kafka-config}.
 */
public final class KafkaConnection {
  @Mixin BrokerAddress broker;

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties (security.protocol, ssl.*, sasl.*, ...) for every client.")
  Path kafkaConfig;

  public Path dataDir() {
    return broker.dataDir();
  }

  /**
   * The broker to use; {@code startIfNone}: start the embedded one in this process when none runs.
   */
  public BrokerResolver.Resolved resolve(boolean startIfNone) {
    return broker.resolve(startIfNone);
  }

  public Map<String, Object> clientProperties() {
    return KafkaClientConfig.load(kafkaConfig);
  }

  /** Creates the topics of {@code layout} that do not exist yet, with these client properties. */
  public void ensureTopics(String bootstrapServers, Topics.Layout layout) {
    try (Admin admin =
        Admin.create(KafkaClientConfig.withBootstrap(clientProperties(), bootstrapServers))) {
      TopicAdmin.ensure(admin, layout.specs());
    }
  }
}
