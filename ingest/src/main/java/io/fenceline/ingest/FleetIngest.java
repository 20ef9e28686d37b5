package io.fenceline.ingest;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ingest of several clusters in one process: per cluster its own client, informers and
 * transactional publisher (so one cluster's fencing or failure names that cluster). Stops all when
 * one fails: a partial fleet silently missing a cluster would be worse than a restart.
 */
public final class FleetIngest implements AutoCloseable {
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final List<ClusterIngest> ingests = new ArrayList<>();
  private final CompletableFuture<Void> failure = new CompletableFuture<>();

  private FleetIngest() {}

  public static FleetIngest start(
      List<ClusterSource> sources,
      String bootstrapServers,
      IngestMetrics metrics,
      Clock clock,
      Map<String, Object> producerConfig) {
    return start(sources, bootstrapServers, metrics, clock, producerConfig, null);
  }

  /**
   * With {@code monitor} non-null its producers' metrics are exported and {@code metrics} should be
   * its {@link IngestMonitor#metrics()}.
   */
  public static FleetIngest start(
      List<ClusterSource> sources,
      String bootstrapServers,
      IngestMetrics metrics,
      Clock clock,
      Map<String, Object> producerConfig,
      IngestMonitor monitor) {
    Set<String> ids = new HashSet<>();
    for (ClusterSource s : sources) {
      if (!ids.add(s.clusterId())) {
        throw new IllegalArgumentException(
            "cluster id '"
                + s.clusterId()
                + "' given twice: two ingests of one cluster id would fence each other (use --context NAME=ID)");
      }
    }
    FleetIngest fleet = new FleetIngest();
    try {
      for (ClusterSource s : sources) {
        KubernetesClient client = new KubernetesClientBuilder().withConfig(s.config()).build();
        fleet.clients.add(client);
        EventPublisher publisher =
            monitor == null
                ? EventPublisher.start(s.clusterId(), bootstrapServers, metrics, producerConfig)
                : monitor.startPublisher(s.clusterId(), bootstrapServers, producerConfig);
        ClusterIngest ingest =
            ClusterIngest.start(s.clusterId(), client, publisher, metrics, clock);
        fleet.ingests.add(ingest);
        ingest
            .failure()
            .whenComplete(
                (v, t) -> {
                  if (t != null) {
                    fleet.failure.completeExceptionally(t);
                  }
                });
      }
    } catch (RuntimeException e) {
      fleet.close(Duration.ofSeconds(5));
      throw e;
    }
    return fleet;
  }

  /** Ready: every cluster listed and none failed; else the reasons. */
  public List<String> notReady() {
    List<String> out = new ArrayList<>();
    if (failure.isDone()) {
      out.add(
          "ingest stopped: "
              + failure
                  .handle(
                      (v, t) ->
                          t == null
                              ? "closed"
                              : String.valueOf(
                                  t.getCause() != null
                                          && t instanceof java.util.concurrent.CompletionException
                                      ? t.getCause().getMessage()
                                      : t.getMessage()))
                  .join());
    }
    for (ClusterIngest i : ingests) {
      if (!i.synced().isDone()) {
        out.add("cluster " + i.cluster() + ": not listed yet");
      }
    }
    return out;
  }

  public List<ClusterIngest> clusters() {
    return List.copyOf(ingests);
  }

  /** Completes (exceptionally) when the first cluster fails. */
  public CompletableFuture<Void> failure() {
    return failure;
  }

  /** Waits until every cluster is listed; false on timeout. Throws a cluster's failure. */
  public boolean awaitSynced(Duration timeout) throws InterruptedException, ExecutionException {
    try {
      CompletableFuture.anyOf(
              CompletableFuture.allOf(
                  ingests.stream().map(ClusterIngest::synced).toArray(CompletableFuture[]::new)),
              failure())
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  public boolean close(Duration timeout) {
    boolean ok = true;
    for (ClusterIngest i : ingests) {
      ok &= i.close(timeout);
    }
    for (KubernetesClient c : clients) {
      c.close();
    }
    return ok;
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
