package io.fenceline.cli.io;

import io.fenceline.broker.BrokerResolver;
import io.fenceline.broker.DataDirs;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How a command reaches Kafka (a picocli mixin shared by every Kafka-using command): a broker given
 * by {@code --bootstrap-servers}, or the embedded one of {@code --data-dir}; client properties
 * (TLS, SASL, ...) from {@code --kafka-config}.
 */
public final class KafkaConnection {
  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: the embedded broker of --data-dir).")
  String bootstrapServers;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: .fenceline/ in the repository root).")
  Path dataDir;

  @Option(names = "--kafka-config", paramLabel = "FILE",
      description = "Kafka client properties (security.protocol, ssl.*, sasl.*, ...) for every client.")
  Path kafkaConfig;

  public Path dataDir() {
    return dataDir == null ? DataDirs.defaultDataDir() : dataDir;
  }

  /** The broker to use; {@code startIfNone}: start the embedded one in this process when none runs. */
  public BrokerResolver.Resolved resolve(boolean startIfNone) {
    return BrokerResolver.resolve(bootstrapServers, dataDir(), startIfNone);
  }

  public Map<String, Object> clientProperties() {
    return KafkaClientConfig.load(kafkaConfig);
  }
}
