package io.fenceline.cli.applier;

import io.fenceline.applier.Applier;
import io.fenceline.applier.ApplierConfig;
import io.fenceline.applier.kernel.CommandRunner;
import io.fenceline.applier.kernel.DryRunNetfilter;
import io.fenceline.applier.kernel.IptablesBackend;
import io.fenceline.applier.kernel.Netfilter;
import io.fenceline.applier.kernel.ProcessNetfilter;
import io.fenceline.broker.BrokerResolver;
import io.fenceline.cli.GracefulStop;
import io.fenceline.cli.io.KafkaConnection;
import io.fenceline.cli.io.MetricsPort;
import io.fenceline.cli.io.PayloadWriter;
import io.fenceline.core.render.PayloadText;
import io.fenceline.kafka.health.HealthServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fenceline applier}: programs one node's kernel from its partition of node-facts. */
@Command(
    name = "applier",
    mixinStandardHelpOptions = true,
    subcommands = ApplierUninstallCommand.class,
    description = {
      "Run the node applier for NODE: read the node's partition of fenceline.node-facts, apply it",
      "to the kernel atomically (ipset restore, iptables-restore --noflush), publish receipts to",
      "fenceline.node-status, repair drift. Needs root (NET_ADMIN) unless --dry-run."
    })
public final class ApplierCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--node", description = "This node's name (as in pods' spec.nodeName). Required.")
  String node;

  @Option(
      names = "--cluster",
      defaultValue = "default",
      description = "Cluster id (default: ${DEFAULT-VALUE}).")
  String cluster;

  @ArgGroup(exclusive = true)
  Target target;

  static final class Target {
    @Option(
        names = "--netns",
        paramLabel = "NAME",
        description = "Apply inside this network namespace.")
    String netns;

    @Option(
        names = "--dry-run",
        paramLabel = "DIR",
        description =
            "Touch no kernel: write the full payload to DIR/<node>/ and each delta to DIR/<node>/deltas/.")
    Path dryRun;
  }

  @Option(
      names = "--drift-interval",
      defaultValue = "30",
      paramLabel = "SECONDS",
      description = "Seconds between drift checks (default: ${DEFAULT-VALUE}).")
  long driftSeconds;

  @Mixin MetricsPort metrics;

  @Option(
      names = "--heartbeat-interval",
      defaultValue = "30",
      paramLabel = "SECONDS",
      description =
          "Publish the current receipt again after this many seconds without one, so `status` can tell"
              + " a quiet node from a stopped applier (default: ${DEFAULT-VALUE}).")
  long heartbeatSeconds;

  @Mixin KafkaConnection kafka;

  @Override
  public Integer call() throws Exception {
    if (node == null || node.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "Missing required option: '--node=<node>'");
    }
    if (heartbeatSeconds <= 0) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--heartbeat-interval must be positive");
    }
    Netfilter netfilter;
    Path dry = target == null ? null : target.dryRun;
    if (dry != null) {
      netfilter = new DryRunNetfilter(dry.resolve(node));
    } else {
      CommandRunner runner = new CommandRunner(target == null ? null : target.netns, 60);
      IptablesBackend backend = IptablesBackend.detect(runner);
      System.err.println(
          "fenceline applier: using the iptables "
              + backend.name().toLowerCase()
              + " backend"
              + (target != null && target.netns != null
                  ? " in network namespace " + target.netns
                  : ""));
      netfilter = new ProcessNetfilter(runner, backend);
    }
    ApplierConfig config;
    try (BrokerResolver.Resolved broker = kafka.resolve(false)) {
      config =
          new ApplierConfig(
              cluster,
              node,
              broker.bootstrapServers(),
              Duration.ofSeconds(driftSeconds),
              Duration.ofSeconds(30),
              metrics.port(),
              kafka.clientProperties(),
              Duration.ofSeconds(heartbeatSeconds));
    }
    // Only a dry run wants the node's whole state after each apply (building it copies every
    // member).
    Applier applier =
        dry == null
            ? new Applier(config, netfilter, Clock.systemUTC())
            : new Applier(
                config,
                netfilter,
                Clock.systemUTC(),
                rendered -> PayloadWriter.writeNode(dry, PayloadText.full(rendered)));
    // The loop ends by close() (exit 0) or by an error it cannot retry, e.g. refused credentials
    // (exit 1).
    java.util.concurrent.atomic.AtomicReference<Throwable> failed =
        new java.util.concurrent.atomic.AtomicReference<>();
    try (GracefulStop stop = new GracefulStop("fenceline-applier-stop", Duration.ofSeconds(10))) {
      HealthServer health =
          stop.register(metrics.serve(applier::readiness, applier::liveness, applier::scrape));
      if (health != null) {
        System.err.println(
            "fenceline applier: /healthz, /livez and /metrics on port " + health.port());
      }
      Thread loop =
          new Thread(
              () -> {
                try {
                  applier.run();
                } finally {
                  stop.request(); // ended on its own: nothing to wait for
                }
              },
              "fenceline-applier");
      loop.setUncaughtExceptionHandler((t, e) -> failed.set(e));
      stop.register(
          () -> {
            applier.close();
            loop.join();
          });
      stop.listen();
      loop.start();
      stop.await();
    }
    if (failed.get() != null) {
      System.err.println("fenceline applier: node " + node + " stopped: " + failed.get());
      return io.fenceline.cli.ExitCodes.FAILURE;
    }
    return 0;
  }
}
