package io.fenceline.applier;

import java.time.Duration;

/**
 * How one applier runs: which node of which cluster, where Kafka is, and its timings. {@code
 * heartbeatInterval}: when nothing else was published for this long, the applier publishes its
 * current receipt again, so a receipt older than a few intervals means the applier is not running.
 */
public record ApplierConfig(
    String cluster,
    String node,
    String bootstrapServers,
    Duration driftCheckInterval,
    Duration maxBackoff,
    int metricsPort,
    java.util.Map<String, Object> clientProperties,
    Duration heartbeatInterval) {

  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);

  public ApplierConfig(
      String cluster,
      String node,
      String bootstrapServers,
      Duration driftCheckInterval,
      Duration maxBackoff,
      int metricsPort) {
    this(
        cluster,
        node,
        bootstrapServers,
        driftCheckInterval,
        maxBackoff,
        metricsPort,
        java.util.Map.of());
  }

  public ApplierConfig(
      String cluster,
      String node,
      String bootstrapServers,
      Duration driftCheckInterval,
      Duration maxBackoff,
      int metricsPort,
      java.util.Map<String, Object> clientProperties) {
    this(
        cluster,
        node,
        bootstrapServers,
        driftCheckInterval,
        maxBackoff,
        metricsPort,
        clientProperties,
        DEFAULT_HEARTBEAT);
  }

  public ApplierConfig {
    clientProperties = java.util.Map.copyOf(clientProperties);
    if (cluster == null || cluster.isEmpty() || node == null || node.isEmpty()) {
      throw new IllegalArgumentException("cluster and node are required");
    }
    if (heartbeatInterval == null || heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
      throw new IllegalArgumentException("the heartbeat interval must be positive");
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
