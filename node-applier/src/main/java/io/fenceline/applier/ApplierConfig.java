package io.fenceline.applier;

import java.time.Duration;

/** How one applier runs: which node of which cluster, where Kafka is, and its timings. */
public record ApplierConfig(
    String cluster,
    String node,
    String bootstrapServers,
    Duration driftCheckInterval,
    Duration maxBackoff,
    int metricsPort,
    java.util.Map<String, Object> clientProperties) {

  public ApplierConfig(String cluster, String node, String bootstrapServers, Duration driftCheckInterval,
      Duration maxBackoff, int metricsPort) {
    this(cluster, node, bootstrapServers, driftCheckInterval, maxBackoff, metricsPort, java.util.Map.of());
  }

  public ApplierConfig {
    clientProperties = java.util.Map.copyOf(clientProperties);
    if (cluster == null || cluster.isEmpty() || node == null || node.isEmpty()) {
      throw new IllegalArgumentException("cluster and node are required");
    }
  }

  /** How long one attempt to reach Kafka at start waits before the next (unhealthy meanwhile). */
  public Duration bootRetry() {
    return Duration.ofSeconds(10);
  }

  public String consumerGroup() {
    return "fenceline-applier-" + cluster + "-" + node;
  }
}
