package io.fenceline.simulator.applier;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each source event reached the kernel (dry run) of each node it affected: per event, its
 * produce time, the number of node applies that carried it and the last of them. Thread-safe: every
 * partition applier writes here.
 */
public final class ConvergenceLog {
  /** One event's convergence so far. */
  public static final class Entry {
    private final Instant observedAt;
    private Instant lastApplied;
    private int nodes;

    Entry(Instant observedAt) {
      this.observedAt = observedAt;
    }

    public synchronized Instant observedAt() {
      return observedAt;
    }

    public synchronized Instant lastApplied() {
      return lastApplied;
    }

    public synchronized int nodes() {
      return nodes;
    }

    /** Produce time to the last receipt of a node it affected. */
    public synchronized Duration latency() {
      return Duration.between(observedAt, lastApplied);
    }

    synchronized void applied(Instant at) {
      nodes++;
      if (lastApplied == null || at.isAfter(lastApplied)) {
        lastApplied = at;
      }
    }
  }

  private final Map<Long, Entry> events = new ConcurrentHashMap<>();

  void applied(SourceEvent source, Instant at) {
    events.computeIfAbsent(source.id(), k -> new Entry(source.observedAt())).applied(at);
  }

  /** Events produced in [from, to) that affected at least one node. */
  public List<Entry> producedBetween(Instant from, Instant to) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : events.values()) {
      Instant t = e.observedAt();
      if (!t.isBefore(from) && t.isBefore(to)) {
        out.add(e);
      }
    }
    return out;
  }

  public int size() {
    return events.size();
  }
}
