package io.fenceline.ingest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fenceline.core.model.Kind;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest of one cluster: one shared informer (one list + one watch) per kind — Namespaces, Pods,
 * NetworkPolicies, Nodes, all namespaces, and ClusterNetworkPolicies
 * (policy.networking.k8s.io/v1alpha2) where the cluster serves them ({@link CrdKindWatch}: a
 * cluster without the CRD is reported once and watched without them) — and nothing else asked of
 * the API server but discovery, feeding one {@link EventPublisher}. The client and the publisher
 * are given; {@link #close()} stops the informers and then the publisher (sending what is pending).
 */
public final class ClusterIngest implements AutoCloseable {
  /** Idle time after which a watching ingest publishes a heartbeat (see {@code docs/events.md}). */
  public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(ClusterIngest.class);

  private final String cluster;
  private final EventPublisher publisher;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final List<CompletableFuture<Void>> started = new ArrayList<>();
  private final CompletableFuture<Void> failure = new CompletableFuture<>();
  private volatile CrdKindWatch clusterPolicies;

  private ClusterIngest(String cluster, EventPublisher publisher) {
    this.cluster = cluster;
    this.publisher = publisher;
  }

  /**
   * Starts the informers; returns at once ({@link #synced()} completes when every kind is listed).
   */
  public static ClusterIngest start(
      String cluster,
      KubernetesClient client,
      EventPublisher publisher,
      IngestMetrics metrics,
      Clock clock) {
    return start(cluster, client, publisher, metrics, clock, CrdKindWatch.DEFAULT_RECHECK);
  }

  /**
   * {@link #start(String, KubernetesClient, EventPublisher, IngestMetrics, Clock)}, asking a
   * cluster that does not serve ClusterNetworkPolicies again every {@code crdRecheck}.
   */
  public static ClusterIngest start(
      String cluster,
      KubernetesClient client,
      EventPublisher publisher,
      IngestMetrics metrics,
      Clock clock,
      Duration crdRecheck) {
    if (!publisher.cluster().equals(cluster)) {
      throw new IllegalArgumentException(
          "publisher of " + publisher.cluster() + " given for cluster " + cluster);
    }
    ClusterIngest ingest = new ClusterIngest(cluster, publisher);
    ChangeDetector detector = new ChangeDetector();
    Generations generations = new Generations(clock);
    ObservedClock observed = new ObservedClock(clock);
    publisher
        .failure()
        .whenComplete(
            (v, t) -> {
              if (t != null) {
                ingest.failure.completeExceptionally(t);
              }
            });
    try {
      ingest.add(
          client.namespaces().runnableInformer(0),
          Kind.NAMESPACE,
          publisher,
          detector,
          generations,
          observed,
          metrics);
      ingest.add(
          client.nodes().runnableInformer(0),
          Kind.NODE,
          publisher,
          detector,
          generations,
          observed,
          metrics);
      ingest.add(
          client.pods().inAnyNamespace().runnableInformer(0),
          Kind.POD,
          publisher,
          detector,
          generations,
          observed,
          metrics);
      ingest.add(
          client.network().v1().networkPolicies().inAnyNamespace().runnableInformer(0),
          Kind.NETWORK_POLICY,
          publisher,
          detector,
          generations,
          observed,
          metrics);
      ingest.clusterPolicies =
          new CrdKindWatch(
              cluster,
              client,
              CrdKindWatch.CLUSTER_NETWORK_POLICIES,
              publisher,
              detector,
              generations,
              observed,
              metrics,
              crdRecheck,
              ingest.failure::completeExceptionally);
      ingest.clusterPolicies.start();
    } catch (RuntimeException e) {
      ingest.stopInformers();
      throw e;
    }
    publisher.enableHeartbeats(
        HEARTBEAT_INTERVAL, () -> ingest.synced().isDone() && ingest.isWatching(), clock);
    LOG.info(
        "cluster {}: watching Namespaces, Nodes, Pods and NetworkPolicies at {}, and {} where"
            + " served",
        cluster,
        client.getConfiguration().getMasterUrl(),
        ingest.clusterPolicies.resourceName());
    return ingest;
  }

  private <T extends HasMetadata> void add(
      SharedIndexInformer<T> informer,
      Kind kind,
      EventSink sink,
      ChangeDetector detector,
      Generations generations,
      ObservedClock clock,
      IngestMetrics metrics) {
    KindHandler<T> handler =
        new KindHandler<T>(cluster, kind, sink, detector, generations, clock, metrics)
            .store(() -> informer.getStore().list());
    informer.itemStore(new TrimmingItemStore<>(kind));
    informer.addEventHandler(handler);
    informers.add(informer);
    started.add(informer.start().toCompletableFuture());
    informer
        .stopped()
        .whenComplete(
            (v, t) -> {
              if (t != null) {
                failure.completeExceptionally(
                    new IllegalStateException(
                        "cluster "
                            + cluster
                            + ": the "
                            + kind.apiName()
                            + " informer stopped: "
                            + t.getMessage(),
                        t));
              }
            });
  }

  public String cluster() {
    return cluster;
  }

  /**
   * Completes when every kind has been listed once and its watch runs (ClusterNetworkPolicies: or
   * are known not to be served).
   */
  public CompletableFuture<Void> synced() {
    List<CompletableFuture<Void>> all = new ArrayList<>(started);
    if (clusterPolicies != null) {
      all.add(clusterPolicies.ready());
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  /** Completes exceptionally when this ingest cannot go on (fenced, or an informer gave up). */
  public CompletableFuture<Void> failure() {
    return failure;
  }

  public EventPublisher publisher() {
    return publisher;
  }

  /** True while every informer watches (ClusterNetworkPolicies: or are known not to be served). */
  public boolean isWatching() {
    return informers.stream().allMatch(SharedIndexInformer::isWatching)
        && (clusterPolicies == null || clusterPolicies.isWatching());
  }

  private void stopInformers() {
    if (clusterPolicies != null) {
      clusterPolicies.stop();
    }
    for (SharedIndexInformer<?> i : informers) {
      try {
        i.stop();
      } catch (RuntimeException e) {
        LOG.debug("stopping an informer of {}: {}", cluster, e.toString());
      }
    }
  }

  /** Stops watching, then sends what is pending (up to {@code timeout}) and stops the publisher. */
  public boolean close(Duration timeout) {
    stopInformers();
    return publisher.close(timeout);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
