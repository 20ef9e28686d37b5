package io.fenceline.cli.engine;

import io.fenceline.cli.GracefulStop;
import io.fenceline.cli.io.KafkaConnection;
import io.fenceline.cli.io.MetricsPort;
import io.fenceline.cli.io.PartitionOptions;
import io.fenceline.engine.Engine;
import io.fenceline.engine.EngineConfig;
import io.fenceline.broker.BrokerResolver;
import io.fenceline.broker.DataDirs;
import io.fenceline.kafka.health.HealthServer;
import io.fenceline.kafka.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fenceline engine}: runs the Kafka Streams engine against any broker until stopped. */
@Command(
    name = "engine",
    mixinStandardHelpOptions = true,
    description = {
      "Run the engine: compile fenceline.events into fenceline.node-facts (exactly-once), until",
      "stopped (Ctrl-C / SIGTERM). Without --bootstrap-servers it uses the embedded broker of",
      "--data-dir, starting it in this process if none is running."
    })
public final class EngineCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "Kafka Streams state (default: DATA_DIR/engine-state).")
  Path stateDir;

  @Option(names = "--application-id", defaultValue = EngineConfig.DEFAULT_APPLICATION_ID,
      description = "Kafka Streams application id (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Mixin PartitionOptions partitions;

  @Mixin MetricsPort metrics;

  @Option(names = "--stuck-after", defaultValue = "60", paramLabel = "SECONDS",
      description = "/healthz is not ready when events wait in an input partition whose committed offset has not moved"
          + " for this long (default: ${DEFAULT-VALUE}).")
  long stuckAfterSeconds;

  private static Map<String, String> stringMap(Map<String, Object> m) {
    Map<String, String> out = new java.util.TreeMap<>();
    m.forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  @Mixin KafkaConnection kafka;

  @Override
  public Integer call() throws Exception {
    if (stuckAfterSeconds <= 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--stuck-after must be positive");
    }
    Path data = kafka.dataDir();
    Topics.Layout layout = partitions.layout();
    // On Ctrl-C / SIGTERM the hook waits until the engine (and a broker started here) closed, so the JVM
    // does not exit half-way through a clean shutdown.
    try (GracefulStop stop = new GracefulStop("fenceline-engine-stop", Duration.ofSeconds(60))) {
      stop.listen();
      BrokerResolver.Resolved broker = stop.register(kafka.resolve(true));
      Engine engine = stop.register(Engine.start(new EngineConfig(broker.bootstrapServers(), applicationId,
          stateDir == null ? data.resolve("engine-state") : stateDir, layout, stringMap(kafka.clientProperties())),
          Duration.ofSeconds(stuckAfterSeconds)));
      HealthServer health = stop.register(metrics.serve(engine.monitor()::readiness, engine.monitor()::liveness,
          engine.monitor()::scrape));
      System.err.println("fenceline engine running against " + broker.bootstrapServers()
          + (health == null ? "" : "; /healthz, /livez and /metrics on port " + health.port()) + " (Ctrl-C to stop)");
      stop.await();
    }
    return 0;
  }
}
