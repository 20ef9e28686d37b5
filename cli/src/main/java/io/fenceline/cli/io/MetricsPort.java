package io.fenceline.cli.io;

import io.fenceline.kafka.health.Health;
import io.fenceline.kafka.health.HealthServer;
import java.io.IOException;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * {@code --metrics-port} (a picocli mixin): where a running command serves its health and metrics,
 * if at all.
 */
public final class MetricsPort {
  @Option(
      names = "--metrics-port",
      defaultValue = "-1",
      paramLabel = "PORT",
      description =
          "Serve /healthz (ready), /livez and /metrics (Prometheus) on this port; 0: any free port (default: off).")
  int port;

  public boolean enabled() {
    return port >= 0;
  }

  /** The port given; negative when off. */
  public int port() {
    return port;
  }

  /** Serves on the port; null when off. */
  public HealthServer serve(Supplier<Health> ready, Supplier<Health> live, Supplier<String> metrics)
      throws IOException {
    return enabled() ? new HealthServer(port, ready, live, metrics) : null;
  }
}
