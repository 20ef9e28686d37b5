package io.fenceline.ingest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.model.Kind;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one informer's notifications (one kind of one cluster) into change events.
 *
 * <p>Generations: {@code onBeforeList} (the initial list and every relist after a watch failure)
 * starts generation g; when the list is in the store ({@code onList}), every object the store holds
 * that was not yet published in g is published with g, then the end marker of g, so the engine
 * sweeps what vanished while nobody watched. Between lists, events carry the current generation.
 * fabric8 calls these methods one at a time, in order, for one informer.
 */
final class KindHandler<T extends HasMetadata> implements ResourceEventHandler<T> {
  private static final Logger LOG = LoggerFactory.getLogger(KindHandler.class);

  private final String cluster;
  private final Kind kind;
  private final EventSink sink;
  private final ChangeDetector detector;
  private final Generations generations;
  private final ObservedClock clock;
  private final IngestMetrics metrics;
  private Supplier<List<T>> store = List::of;
  private volatile long generation;

  KindHandler(
      String cluster,
      Kind kind,
      EventSink sink,
      ChangeDetector detector,
      Generations generations,
      ObservedClock clock,
      IngestMetrics metrics) {
    this.cluster = cluster;
    this.kind = kind;
    this.sink = sink;
    this.detector = detector;
    this.generations = generations;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** What the informer holds; read when a list completes. */
  KindHandler<T> store(Supplier<List<T>> store) {
    this.store = store;
    return this;
  }

  long generation() {
    return generation;
  }

  @Override
  public void onBeforeList(String lastSyncResourceVersion) {
    generation = generations.next();
    LOG.debug(
        "cluster {}: listing {} (generation {}, last resource version {})",
        cluster,
        kind.apiName(),
        generation,
        lastSyncResourceVersion);
  }

  @Override
  public void onAdd(T obj) {
    upsert(obj);
  }

  @Override
  public void onUpdate(T oldObj, T newObj) {
    upsert(newObj);
  }

  @Override
  public void onDelete(T obj, boolean deletedFinalStateUnknown) {
    SlimObject s = SlimObjects.of(kind, obj);
    detector.forget(s.key());
    sink.publish(s.delete(cluster, clock.now(), currentGeneration()));
  }

  @Override
  public void onList(String resourceVersion, boolean remainedEmpty) {
    long g = currentGeneration();
    int republished = 0;
    List<T> objects = store.get();
    for (T obj : objects) {
      SlimObject s = SlimObjects.of(kind, obj);
      if (detector.needsRepublish(s, g)) {
        sink.publish(s.upsert(cluster, clock.now(), g));
        republished++;
      }
    }
    sink.publish(ChangeEvent.generationEnd(cluster, kind.apiName(), clock.now(), g));
    LOG.info(
        "cluster {}: {} {} listed at resource version {}: generation {} ({} republished)",
        cluster,
        objects.size(),
        kind.apiName(),
        resourceVersion,
        g,
        republished);
  }

  private void upsert(T obj) {
    SlimObject s = SlimObjects.of(kind, obj);
    long g = currentGeneration();
    if (detector.changed(s, g)) {
      sink.publish(s.upsert(cluster, clock.now(), g));
    } else {
      metrics.suppressed(cluster, kind.apiName());
    }
  }

  private long currentGeneration() {
    if (generation == 0) {
      generation = generations.next(); // no onBeforeList seen (not expected from fabric8 8)
    }
    return generation;
  }
}
