package io.fenceline.ingest;

import java.time.Instant;
import java.util.Map;

/**
 * What ingest counts, per cluster (and kind where it matters). Plain counters: no metrics library
 * is on the classpath; {@link #snapshot()} is what a reporter would expose. Implementations are
 * thread-safe.
 */
public interface IngestMetrics {
  /** Events of {@code kind} committed to Kafka (acknowledged) for {@code cluster}. */
  void published(String cluster, String kind, long events);

  /** An update whose slim form was unchanged was dropped. */
  void suppressed(String cluster, String kind);

  /** A pending change was replaced by a newer one for the same object before it was sent. */
  void coalesced(String cluster);

  /** The number of changes waiting to be sent (a gauge). */
  void backlog(String cluster, int pending);

  /** The end marker of a generation of {@code kind} was committed at {@code at}. */
  void generationCompleted(String cluster, String kind, long generation, Instant at);

  /** An object too large for one event was published as its fail-closed stub. */
  default void truncated(String cluster, String kind) {}

  /**
   * Whether the API server of {@code cluster} serves {@code kind} (a gauge), for kinds a
   * CustomResourceDefinition serves (ClusterNetworkPolicy): false while it answers 404 (the CRD is
   * not installed), true once watched. Called when that changes (and first when it is known).
   */
  default void kindServed(String cluster, String kind, boolean served) {}

  Snapshot snapshot();

  /**
   * Keys are {@code cluster/kind} for per-kind values and {@code cluster} for per-cluster ones.
   * {@code served}: the last {@link #kindServed} per cluster/kind.
   */
  record Snapshot(
      Map<String, Long> published,
      Map<String, Long> suppressed,
      Map<String, Long> coalesced,
      Map<String, Integer> backlog,
      Map<String, Long> lastGeneration,
      Map<String, Instant> lastGenerationAt,
      Map<String, Boolean> served) {

    public long publishedTotal(String cluster) {
      return sum(published, cluster);
    }

    public long suppressedTotal(String cluster) {
      return sum(suppressed, cluster);
    }

    private static long sum(Map<String, Long> m, String cluster) {
      return m.entrySet().stream()
          .filter(e -> e.getKey().startsWith(cluster + "/"))
          .mapToLong(Map.Entry::getValue)
          .sum();
    }
  }

  static IngestMetrics counting() {
    return new CountingIngestMetrics();
  }
}
