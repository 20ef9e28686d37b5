package io.fenceline.cli.simulate;

import io.fenceline.broker.BrokerResolver;
import io.fenceline.cli.io.KafkaConnection;
import io.fenceline.cli.io.PartitionOptions;
import io.fenceline.fleet.ChurnGenerator;
import io.fenceline.fleet.Fleet;
import io.fenceline.simulator.publish.FleetPublisher;
import io.fenceline.simulator.publish.PacedChurn;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fenceline simulate publish}: a generated fleet and its churn to {@code fenceline.events}.
 */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Publish a generated fleet to fenceline.events (one transactional ingest publisher per cluster,",
      "as `fenceline ingest` does), then its churn at --rate events/s for --duration seconds, with",
      "--rollouts rollout bursts spread over that time. stdout: what was published."
    })
public final class SimulatePublishCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin FleetOptions fleetOptions;

  @Option(
      names = "--rate",
      defaultValue = "100",
      description = "Churn events per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--duration",
      defaultValue = "0",
      paramLabel = "SECONDS",
      description = "Seconds of churn after the initial state (default: ${DEFAULT-VALUE}: none).")
  long duration;

  @Option(
      names = "--rollouts",
      defaultValue = "0",
      description = "Rollout bursts during the churn (default: ${DEFAULT-VALUE}).")
  int rollouts;

  @Mixin PartitionOptions partitions;

  @Mixin KafkaConnection kafka;

  @Override
  public Integer call() throws Exception {
    if (rate <= 0) {
      throw new io.fenceline.cli.BadInputException(
          "--rate: must be more than 0 events/s, got " + rate);
    }
    Fleet fleet = fleetOptions.generate();
    ChurnGenerator churn = new ChurnGenerator(fleet, fleetOptions.seed());
    try (BrokerResolver.Resolved broker = kafka.resolve(true)) {
      kafka.ensureTopics(broker.bootstrapServers(), partitions.layout());
      return publish(fleet, churn, broker);
    }
  }

  private int publish(Fleet fleet, ChurnGenerator churn, BrokerResolver.Resolved broker)
      throws Exception {
    try (FleetPublisher publisher =
        new FleetPublisher(
            fleet, broker.bootstrapServers(), kafka.clientProperties(), Clock.systemUTC())) {
      publisher.publishInitial(fleet.snapshot());
      publisher.awaitCommitted(Duration.ofMinutes(10));
      long initial = publisher.published();
      long churned = 0;
      long bursts = 0;
      int slices = rollouts + 1;
      for (int i = 0; i < slices && duration > 0; i++) {
        PacedChurn.Result r =
            PacedChurn.run(
                churn, publisher, rate, Duration.ofMillis(duration * 1000 / slices), () -> false);
        churned += r.events();
        if (i < rollouts) {
          var burst = churn.rollout();
          burst.forEach(publisher::publish);
          bursts += burst.size();
        }
      }
      publisher.awaitCommitted(Duration.ofMinutes(10));
      spec.commandLine()
          .getOut()
          .printf(
              "published %d events of the initial state (%d clusters, %d nodes, %d pods, "
                  + "%d policies), %d churn events and %d rollout events to %s%n",
              initial,
              fleet.spec().clusters(),
              fleet.spec().nodes(),
              fleet.spec().pods(),
              fleet.spec().policies(),
              churned,
              bursts,
              broker.bootstrapServers());
      spec.commandLine().getOut().flush();
    }
    return 0;
  }
}
