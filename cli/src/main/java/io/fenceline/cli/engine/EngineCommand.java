package io.fenceline.cli.engine;

import io.fenceline.broker.BrokerResolver;
import io.fenceline.cli.GracefulStop;
import io.fenceline.cli.io.KafkaConnection;
import io.fenceline.cli.io.MetricsPort;
import io.fenceline.cli.io.PartitionOptions;
import io.fenceline.engine.Engine;
import io.fenceline.engine.EngineConfig;
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
      "Run the engine: compile fenceline.events into fenceline.node-facts and fenceline.set-members",
      "(exactly-once), until stopped (Ctrl-C / SIGTERM). Without --bootstrap-servers it uses the",
      "embedded broker of --data-dir, starting it in this process if none is running. Engines with",
      "the same --application-id share the work through Kafka Streams' partition assignment."
    })
public final class EngineCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Kafka Streams state (default: DATA_DIR/engine-state).")
  Path stateDir;

  @Option(
      names = "--application-id",
      defaultValue = EngineConfig.DEFAULT_APPLICATION_ID,
      description = "Kafka Streams application id (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(
      names = "--threads",
      defaultValue = "1",
      paramLabel = "N",
      description = "Stream threads in this process (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--standby-replicas",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Warm copies of each task's state kept by other engine instances, for a faster take-over"
              + " (default: ${DEFAULT-VALUE}).")
  int standbyReplicas;

  @Option(
      names = "--instance-id",
      paramLabel = "ID",
      description =
          "This process's static member id in the engine's consumer group; keep it across restarts, unique"
              + " per process (default: from the application id, the host name and the state dir).")
  String instanceId;

  @Mixin PartitionOptions partitions;

  @Mixin MetricsPort metrics;

  @Option(
      names = "--stuck-after",
      defaultValue = "60",
      paramLabel = "SECONDS",
      description =
          "/healthz is not ready when events wait in an input partition whose committed offset has not moved"
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
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--stuck-after must be positive");
    }
    if (threads < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--threads must be at least 1");
    }
    if (standbyReplicas < 0) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--standby-replicas must be 0 or more");
    }
    if (instanceId != null && instanceId.isBlank()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--instance-id must not be blank");
    }
    Path data = kafka.dataDir();
    Topics.Layout layout = partitions.layout();
    // On Ctrl-C / SIGTERM the hook waits until the engine (and a broker started here) closed, so
    // the JVM
    // does not exit half-way through a clean shutdown.
    try (GracefulStop stop = new GracefulStop("fenceline-engine-stop", Duration.ofSeconds(60))) {
      stop.listen();
      BrokerResolver.Resolved broker = stop.register(kafka.resolve(true));
      Engine engine =
          stop.register(
              Engine.start(
                  new EngineConfig(
                      broker.bootstrapServers(),
                      applicationId,
                      stateDir == null ? data.resolve("engine-state") : stateDir,
                      layout,
                      stringMap(kafka.clientProperties()),
                      threads,
                      standbyReplicas,
                      instanceId),
                  Duration.ofSeconds(stuckAfterSeconds)));
      HealthServer health =
          stop.register(
              metrics.serve(
                  engine.monitor()::readiness,
                  engine.monitor()::liveness,
                  engine.monitor()::scrape));
      System.err.println(
          "fenceline engine running against "
              + broker.bootstrapServers()
              + (health == null ? "" : "; /healthz, /livez and /metrics on port " + health.port())
              + " (Ctrl-C to stop)");
      stop.await();
    }
    return 0;
  }
}
