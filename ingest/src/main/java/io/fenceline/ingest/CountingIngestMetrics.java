package io.fenceline.ingest;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** {@link IngestMetrics} on AtomicLongs. */
final class CountingIngestMetrics implements IngestMetrics {
  private final ConcurrentHashMap<String, AtomicLong> published = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicLong> suppressed = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicLong> coalesced = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> backlog = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicLong> lastGeneration = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicReference<Instant>> lastGenerationAt =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Boolean> served = new ConcurrentHashMap<>();

  @Override
  public void published(String cluster, String kind, long events) {
    published.computeIfAbsent(cluster + "/" + kind, k -> new AtomicLong()).addAndGet(events);
  }

  @Override
  public void suppressed(String cluster, String kind) {
    suppressed.computeIfAbsent(cluster + "/" + kind, k -> new AtomicLong()).incrementAndGet();
  }

  @Override
  public void coalesced(String cluster) {
    coalesced.computeIfAbsent(cluster, k -> new AtomicLong()).incrementAndGet();
  }

  @Override
  public void backlog(String cluster, int pending) {
    backlog.computeIfAbsent(cluster, k -> new AtomicInteger()).set(pending);
  }

  @Override
  public void generationCompleted(String cluster, String kind, long generation, Instant at) {
    lastGeneration
        .computeIfAbsent(cluster + "/" + kind, k -> new AtomicLong())
        .accumulateAndGet(generation, Math::max);
    lastGenerationAt.computeIfAbsent(cluster + "/" + kind, k -> new AtomicReference<>()).set(at);
  }

  @Override
  public void kindServed(String cluster, String kind, boolean served) {
    this.served.put(cluster + "/" + kind, served);
  }

  @Override
  public Snapshot snapshot() {
    return new Snapshot(
        longs(published),
        longs(suppressed),
        longs(coalesced),
        ints(backlog),
        longs(lastGeneration),
        instants(lastGenerationAt),
        new TreeMap<>(served));
  }

  private static Map<String, Long> longs(Map<String, AtomicLong> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  private static Map<String, Integer> ints(Map<String, AtomicInteger> m) {
    Map<String, Integer> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  private static Map<String, Instant> instants(Map<String, AtomicReference<Instant>> m) {
    Map<String, Instant> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }
}
