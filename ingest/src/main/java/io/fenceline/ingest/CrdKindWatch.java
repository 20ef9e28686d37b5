package io.fenceline.ingest;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.model.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch of a kind that a CustomResourceDefinition serves — ClusterNetworkPolicies, {@code
 * clusternetworkpolicies.policy.networking.k8s.io/v1alpha2} — which a cluster may not have.
 *
 * <p>It first lists one object. If the API server serves the resource, an informer watches it
 * exactly as the built-in kinds are watched ({@link KindHandler}: upserts, deletes, a generation
 * with its end marker after every list). If it answers 404, the cluster is reported once (a WARN
 * line naming the cluster and the resource, {@link IngestMetrics#kindServed} false), the other
 * kinds go on, and the resource is asked for again every {@code recheck}: once served, it is
 * watched from then on. A 404 while watched (the CRD deleted, or v1alpha2 no longer served) stops
 * the informer and goes back to asking.
 *
 * <p>Not served means no object of the kind exists, so the cluster's state of the kind is known:
 * empty. It is published as such, a generation end marker with no objects, which sweeps whatever
 * the engine still holds of the kind for this cluster. Unless discovery shows the group serving the
 * resource in another version (the objects then exist, in a version fenceline does not read): then
 * nothing is swept and what was last published stays in force, with the warning saying so.
 *
 * <p>Any other error of the first list fails the ingest, as a failing first list of a built-in kind
 * does (403: the ClusterRole lacks clusternetworkpolicies).
 */
final class CrdKindWatch {
  private static final Logger LOG = LoggerFactory.getLogger(CrdKindWatch.class);

  static final ResourceDefinitionContext CLUSTER_NETWORK_POLICIES =
      new ResourceDefinitionContext.Builder()
          .withGroup(SlimObjects.CLUSTER_NETWORK_POLICY_GROUP)
          .withVersion("v1alpha2")
          .withPlural("clusternetworkpolicies")
          .withKind(Kind.CLUSTER_NETWORK_POLICY.apiName())
          .withNamespaced(false)
          .build();

  /** How often a cluster that does not serve the resource is asked again. */
  static final Duration DEFAULT_RECHECK = Duration.ofMinutes(1);

  private final String cluster;
  private final KubernetesClient client;
  private final ResourceDefinitionContext resource;
  private final Kind kind;
  private final EventSink sink;
  private final ChangeDetector detector;
  private final Generations generations;
  private final ObservedClock clock;
  private final IngestMetrics metrics;
  private final Duration recheck;
  private final Consumer<Throwable> fail;
  private final ScheduledExecutorService scheduler;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();

  // guarded by this
  private SharedIndexInformer<GenericKubernetesResource> informer;
  private boolean notServed;
  private boolean stopped;

  CrdKindWatch(
      String cluster,
      KubernetesClient client,
      ResourceDefinitionContext resource,
      EventSink sink,
      ChangeDetector detector,
      Generations generations,
      ObservedClock clock,
      IngestMetrics metrics,
      Duration recheck,
      Consumer<Throwable> fail) {
    if (recheck.isNegative() || recheck.isZero()) {
      throw new IllegalArgumentException("recheck interval must be positive: " + recheck);
    }
    this.cluster = cluster;
    this.client = client;
    this.resource = resource;
    this.kind = Kind.fromApiName(resource.getKind());
    if (kind == null) {
      throw new IllegalArgumentException("fenceline does not ingest " + resource.getKind());
    }
    this.sink = sink;
    this.detector = detector;
    this.generations = generations;
    this.clock = clock;
    this.metrics = metrics;
    this.recheck = recheck;
    this.fail = fail;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fenceline-ingest-" + cluster + "-" + resource.getPlural());
              t.setDaemon(true);
              return t;
            });
  }

  /** {@code plural.group/version}, as a user would look it up. */
  String resourceName() {
    return resource.getPlural() + "." + resource.getGroup() + "/" + resource.getVersion();
  }

  /** Asks the API server for the resource (on this watch's thread); returns at once. */
  void start() {
    submit(this::probe, Duration.ZERO);
  }

  /** Completes once the kind is listed and watched, or known not to be served (and published). */
  CompletableFuture<Void> ready() {
    return ready;
  }

  /**
   * True while the informer watches, or while the resource is known not to be served (there is
   * nothing to watch, and the state published, none, is current).
   */
  synchronized boolean isWatching() {
    return informer != null ? informer.isWatching() : notServed;
  }

  synchronized void stop() {
    stopped = true;
    scheduler.shutdownNow();
    if (informer != null) {
      try {
        informer.stop();
      } catch (RuntimeException e) {
        LOG.debug("stopping the {} informer of {}: {}", kind.apiName(), cluster, e.toString());
      }
    }
  }

  private void submit(Runnable task, Duration delay) {
    try {
      scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // stopped
    }
  }

  private void probe() {
    synchronized (this) {
      if (stopped || informer != null) {
        return;
      }
    }
    try {
      client
          .genericKubernetesResources(resource)
          .list(new ListOptionsBuilder().withLimit(1L).build());
    } catch (RuntimeException e) {
      if (notFound(e)) {
        notServed();
        submit(this::probe, recheck);
      } else if (!ready.isDone()) {
        failWith("cannot list " + resourceName() + ": " + e.getMessage(), e);
      } else {
        LOG.warn(
            "cluster {}: asking whether {} is served failed ({}); asking again in {} s",
            cluster,
            resourceName(),
            e.getMessage(),
            recheck.toSeconds());
        submit(this::probe, recheck);
      }
      return;
    }
    watch();
  }

  private void watch() {
    SharedIndexInformer<GenericKubernetesResource> i =
        client.genericKubernetesResources(resource).runnableInformer(0);
    KindHandler<GenericKubernetesResource> handler =
        new KindHandler<GenericKubernetesResource>(
                cluster, kind, sink, detector, generations, clock, metrics)
            .store(() -> i.getStore().list());
    i.itemStore(new TrimmingItemStore<>(kind));
    i.addEventHandler(handler);
    // fabric8's default (retry once started, unless the watch itself gave up), except that a 404
    // always stops: the resource is no longer served.
    i.exceptionHandler((started, t) -> !notFound(t) && started && !(t instanceof WatcherException));
    synchronized (this) {
      if (stopped) {
        return;
      }
      informer = i;
      i.start()
          .whenComplete(
              (v, t) -> {
                if (t == null) {
                  served();
                }
              });
    }
    i.stopped()
        .whenComplete(
            (v, t) -> {
              if (t != null) {
                informerStopped(i, t);
              }
            });
  }

  private void served() {
    boolean wasNotServed;
    synchronized (this) {
      wasNotServed = notServed;
      notServed = false;
    }
    metrics.kindServed(cluster, kind.apiName(), true);
    if (wasNotServed) {
      LOG.info("cluster {}: {} is served now; watching it", cluster, resourceName());
    }
    ready.complete(null);
  }

  private void informerStopped(SharedIndexInformer<GenericKubernetesResource> i, Throwable t) {
    synchronized (this) {
      if (stopped || informer != i) {
        return;
      }
      if (notFound(t)) {
        informer = null;
      }
    }
    if (!notFound(t)) {
      failWith("the " + kind.apiName() + " informer stopped: " + t.getMessage(), t);
      return;
    }
    for (GenericKubernetesResource o : i.getStore().list()) {
      try {
        detector.forget(SlimObjects.of(kind, o).key());
      } catch (RuntimeException e) {
        // not publishable: never remembered
      }
    }
    notServed();
    submit(this::probe, recheck);
  }

  /**
   * The resource is not served (404): reported once per stretch of not being served, and published
   * as an empty state unless another version of the group serves it.
   */
  private void notServed() {
    synchronized (this) {
      if (stopped || notServed) {
        return;
      }
    }
    Optional<List<String>> elsewhere = servedAs();
    synchronized (this) {
      if (stopped) {
        return;
      }
      notServed = true;
    }
    metrics.kindServed(cluster, kind.apiName(), false);
    if (elsewhere.isPresent() && elsewhere.get().isEmpty()) {
      LOG.warn(
          "cluster {}: the API server does not serve {} (the {} CRD is not installed): no {}"
              + " exists there, published as such; the other kinds are watched as usual, and it is"
              + " asked for again every {} s",
          cluster,
          resourceName(),
          kind.apiName(),
          kind.apiName(),
          recheck.toSeconds());
      sink.publish(
          ChangeEvent.generationEnd(cluster, kind.apiName(), clock.now(), generations.next()));
    } else {
      LOG.warn(
          "cluster {}: the API server does not serve {}{}: {} objects are not ingested and those"
              + " last published stay in force; the other kinds are watched as usual, and it is"
              + " asked for again every {} s",
          cluster,
          resourceName(),
          elsewhere
              .map(v -> ", only " + String.join(", ", v) + " (a version fenceline does not read)")
              .orElse(" and discovery of its group failed"),
          kind.apiName(),
          recheck.toSeconds());
    }
    ready.complete(null);
  }

  /**
   * The other versions of the group that serve the resource (discovery, which every authenticated
   * user may read); empty when the group or resource is not there at all; empty Optional when
   * discovery failed.
   */
  private Optional<List<String>> servedAs() {
    try {
      APIGroup group = client.getApiGroup(resource.getGroup());
      List<String> versions = new ArrayList<>();
      if (group != null && group.getVersions() != null) {
        for (GroupVersionForDiscovery v : group.getVersions()) {
          if (v.getGroupVersion() == null
              || v.getGroupVersion().equals(resource.getGroup() + "/" + resource.getVersion())) {
            continue;
          }
          APIResourceList resources = client.getApiResources(v.getGroupVersion());
          if (resources != null
              && resources.getResources() != null
              && resources.getResources().stream()
                  .anyMatch(r -> resource.getPlural().equals(r.getName()))) {
            versions.add(v.getGroupVersion());
          }
        }
      }
      return Optional.of(versions);
    } catch (RuntimeException e) {
      LOG.debug("cluster {}: discovery of {}: {}", cluster, resource.getGroup(), e.toString());
      return Optional.empty();
    }
  }

  private void failWith(String message, Throwable cause) {
    synchronized (this) {
      if (stopped) {
        return;
      }
    }
    fail.accept(new IllegalStateException("cluster " + cluster + ": " + message, cause));
  }

  /** Whether {@code t} (or a cause) is the API server's 404: the resource is not served. */
  static boolean notFound(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getCode() == 404) {
        return true;
      }
      if (c instanceof WatcherException w && w.asClientException().getCode() == 404) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
