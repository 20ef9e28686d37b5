package io.fenceline.ingest;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.model.Kind;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file source: the objects of a manifest file or folder published as one cluster's whole state.
 * Every publication is a new generation: every object with generation g, then the end marker of g
 * for each kind fenceline reads ({@link Kind}, ClusterNetworkPolicy included), so the engine
 * deletes what is no longer in the files. Nothing is published unless every file parsed.
 */
public final class ManifestIngest {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestIngest.class);
  private static final String READ_KINDS =
      String.join(", ", java.util.Arrays.stream(Kind.values()).map(Kind::apiName).toList());

  /** One publication: how many objects per kind, in which generation. */
  public record Published(long generation, Map<String, Integer> objectsByKind, int events) {}

  private final Path path;
  private final String cluster;
  private final EventPublisher publisher;
  private final Generations generations;
  private final ObservedClock clock;
  private final Clock wallClock;
  private final Consumer<String> err;

  /** {@code err} receives notes and problems, one line each (stderr in the CLI). */
  public ManifestIngest(
      Path path, String cluster, EventPublisher publisher, Clock clock, Consumer<String> err) {
    this.path = Objects.requireNonNull(path);
    this.cluster = Objects.requireNonNull(cluster);
    this.publisher = Objects.requireNonNull(publisher);
    if (!publisher.cluster().equals(cluster)) {
      throw new IllegalArgumentException(
          "publisher of " + publisher.cluster() + " given for cluster " + cluster);
    }
    this.generations = new Generations(clock);
    this.clock = new ObservedClock(clock);
    this.wallClock = clock;
    this.err = err;
  }

  /**
   * Reads the manifests and publishes them; returns once the broker committed every event.
   *
   * @throws ManifestReadException when a file cannot be read or parsed (nothing is published)
   * @throws TimeoutException when the broker did not acknowledge within {@code timeout}
   * @throws IngestFencedException when another ingest for the cluster took over
   */
  public Published publishOnce(Duration timeout)
      throws ManifestReadException, TimeoutException, InterruptedException {
    return publish(ManifestSnapshot.read(path), timeout);
  }

  /**
   * Publishes an already read snapshot (so a caller can reject bad input before touching Kafka).
   */
  public Published publish(ManifestSnapshot snapshot, Duration timeout)
      throws TimeoutException, InterruptedException {
    snapshot.notes().forEach(n -> err.accept("note: " + n));
    snapshot
        .ignoredKinds()
        .forEach(
            (kind, n) ->
                err.accept(
                    "note: ignored "
                        + n
                        + " "
                        + kind
                        + (n == 1 ? "" : " objects")
                        + " (fenceline reads "
                        + READ_KINDS
                        + ")"));
    long g = generations.next();
    int events = 0;
    for (SlimObject o : snapshot.objects()) {
      publisher.publish(o.upsert(cluster, clock.now(), g));
      events++;
    }
    for (Kind k : Kind.values()) {
      publisher.publish(ChangeEvent.generationEnd(cluster, k.apiName(), clock.now(), g));
      events++;
    }
    if (!publisher.awaitCommitted(timeout)) {
      throw new TimeoutException(
          "the broker did not acknowledge the events of "
              + path
              + " within "
              + timeout.toSeconds()
              + " s");
    }
    Published p = new Published(g, snapshot.countsByKind(), events);
    LOG.info(
        "cluster {}: published {} objects of {} as generation {}",
        cluster,
        snapshot.objects().size(),
        path,
        g);
    return p;
  }

  /**
   * Publishes now, then again whenever the files change (checked every {@code poll}; a change is
   * published once the files have stayed the same for one more poll, so that a file caught in the
   * middle of being written is not published as the cluster's whole state), until {@code stop} says
   * so. A change that does not parse is reported and not published (the last good state stays); the
   * first read must succeed.
   */
  public void watch(Duration poll, Duration timeout, BooleanSupplier stop)
      throws ManifestReadException, TimeoutException, InterruptedException {
    Map<Path, String> published = ManifestReader.stamps(path);
    Published first = publishOnce(timeout);
    publisher.enableHeartbeats(
        ClusterIngest.HEARTBEAT_INTERVAL, () -> !stop.getAsBoolean(), wallClock);
    err.accept(
        "published "
            + first.objectsByKind()
            + " as generation "
            + first.generation()
            + "; watching "
            + path);
    Map<Path, String> seen = published;
    while (!stop.getAsBoolean()) {
      Thread.sleep(poll.toMillis());
      if (publisher.failure().isCompletedExceptionally()) {
        publisher.awaitCommitted(Duration.ZERO); // throws the failure
      }
      Map<Path, String> now = ManifestReader.stamps(path);
      if (!now.equals(seen)) {
        seen = now; // still changing: wait until it settles
        continue;
      }
      if (now.equals(published) || stop.getAsBoolean()) {
        continue;
      }
      published = now;
      try {
        Published p = publishOnce(timeout);
        err.accept("published " + p.objectsByKind() + " as generation " + p.generation());
      } catch (ManifestReadException e) {
        err.accept(e.getMessage());
        err.accept("not published; the previous state stays until the files parse");
      }
    }
  }
}
