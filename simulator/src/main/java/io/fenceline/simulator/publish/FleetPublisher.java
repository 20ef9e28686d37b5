package io.fenceline.simulator.publish;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.model.Kind;
import io.fenceline.fleet.Change;
import io.fenceline.fleet.Fleet;
import io.fenceline.fleet.SimCluster;
import io.fenceline.ingest.EventPublisher;
import io.fenceline.ingest.Generations;
import io.fenceline.ingest.IngestMetrics;
import io.fenceline.ingest.SlimObject;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Publishes a simulated fleet to {@code fenceline.events} through ingest's own path: one {@link
 * EventPublisher} per cluster (transactional, keyed by cluster), the changes as {@link SlimObject}
 * events of one generation. The initial state closes that generation for every kind, so the engine
 * sweeps whatever an earlier run left; churn is published in the same generation, as an informer's
 * watch events are. {@code observedAt} is the time the change is handed to the publisher (the
 * produce time convergence is measured from).
 */
public final class FleetPublisher implements AutoCloseable {
  private final Map<String, EventPublisher> publishers = new LinkedHashMap<>();
  private final Clock clock;
  private final long generation;
  private long published;

  public FleetPublisher(
      Fleet fleet, String bootstrapServers, Map<String, Object> clientProperties, Clock clock) {
    this.clock = clock;
    this.generation = new Generations(clock).next();
    IngestMetrics metrics = IngestMetrics.counting();
    for (SimCluster c : fleet.clusters()) {
      publishers.put(
          c.name(), EventPublisher.start(c.name(), bootstrapServers, metrics, clientProperties));
    }
  }

  public void publish(Change c) {
    EventPublisher p = publishers.get(c.cluster());
    if (p == null) {
      throw new IllegalArgumentException(
          "change of cluster " + c.cluster() + ", which is not in the fleet");
    }
    ChangeEvent e =
        c.isDelete()
            ? ChangeEvent.delete(
                c.cluster(),
                c.kind().apiName(),
                c.namespace(),
                c.name(),
                c.uid(),
                c.resourceVersion(),
                clock.instant(),
                generation)
            : new SlimObject(
                    c.kind(), c.namespace(), c.name(), c.uid(), c.resourceVersion(), c.object())
                .upsert(c.cluster(), clock.instant(), generation);
    p.publish(e);
    published++;
  }

  /** The whole state of every cluster, then the end of this generation for every kind. */
  public void publishInitial(List<Change> snapshot) {
    snapshot.forEach(this::publish);
    for (Map.Entry<String, EventPublisher> e : publishers.entrySet()) {
      for (Kind k : Kind.values()) {
        e.getValue()
            .publish(
                ChangeEvent.generationEnd(e.getKey(), k.apiName(), clock.instant(), generation));
        published++;
      }
    }
  }

  /** Events handed over so far. */
  public long published() {
    return published;
  }

  /** Changes waiting to be sent, over all clusters. */
  public int backlog() {
    return publishers.values().stream().mapToInt(EventPublisher::backlog).sum();
  }

  /** Waits until the broker committed everything published so far. */
  public void awaitCommitted(Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Map.Entry<String, EventPublisher> e : publishers.entrySet()) {
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      if (!e.getValue().awaitCommitted(left)) {
        throw new TimeoutException(
            "cluster "
                + e.getKey()
                + ": the broker did not commit the events within "
                + timeout.toSeconds()
                + " s");
      }
    }
  }

  @Override
  public void close() {
    publishers.values().forEach(p -> p.close(Duration.ofSeconds(30)));
  }
}
