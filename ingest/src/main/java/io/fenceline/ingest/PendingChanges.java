package io.fenceline.ingest;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The changes of one cluster not yet handed to Kafka, coalesced per object key so that memory is
 * bounded by the number of objects, however slow Kafka is: a newer event for a pending key replaces
 * the pending one in place (the latest state wins; a delete after an upsert wins, and an upsert
 * after a delete too). Order is kept otherwise: an object's pending change keeps the position of
 * its first pending change, so an object published in generation g stays ahead of the
 * end-of-generation marker of g. A marker moves to the end when a newer marker of the same kind
 * replaces it (every object of the newer generation was queued before it).
 *
 * <p>Thread-safe: informer threads put, one sender takes.
 */
final class PendingChanges {
  private final LinkedHashMap<String, ChangeEvent> pending = new LinkedHashMap<>();
  private long coalesced;
  private boolean closed;
  private boolean inFlight;

  /** Queues {@code e}; returns true when it replaced a pending change of the same key. */
  synchronized boolean put(ChangeEvent e) {
    String key = keyOf(e);
    boolean replaced;
    if (e.type() == EventType.GENERATION_END) {
      ChangeEvent prev = pending.remove(key);
      if (prev != null && prev.generation() > e.generation()) {
        pending.put(key, prev); // an older marker never replaces a newer one
        return true;
      }
      pending.put(key, e);
      replaced = prev != null;
    } else {
      replaced = pending.put(key, e) != null; // in place: insertion order is kept for existing keys
    }
    if (replaced) {
      coalesced++;
    }
    notifyAll();
    return replaced;
  }

  /**
   * Removes and returns up to {@code max} changes in order, waiting up to {@code waitMillis} for
   * the first; empty when none came (or the queue was closed).
   */
  synchronized List<ChangeEvent> take(int max, long waitMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    while (pending.isEmpty() && !closed) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    List<ChangeEvent> out = new ArrayList<>(Math.min(max, pending.size()));
    Iterator<Map.Entry<String, ChangeEvent>> it = pending.entrySet().iterator();
    while (it.hasNext() && out.size() < max) {
      out.add(it.next().getValue());
      it.remove();
    }
    inFlight = !out.isEmpty();
    return out;
  }

  /** The last batch taken is committed. */
  synchronized void batchDone() {
    inFlight = false;
    notifyAll();
  }

  /** Nothing pending and nothing taken but not yet committed. */
  synchronized boolean idle() {
    return pending.isEmpty() && !inFlight;
  }

  /** Waits up to {@code millis} for {@link #idle()}; returns it. */
  synchronized boolean awaitIdle(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!idle()) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    return idle();
  }

  synchronized int size() {
    return pending.size();
  }

  synchronized long coalesced() {
    return coalesced;
  }

  /** Wakes a waiting {@link #take}; later takes return at once. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  static String keyOf(ChangeEvent e) {
    if (e.type() == EventType.GENERATION_END) {
      return "\0generation-end/" + e.kind();
    }
    return e.kind() + "/" + e.namespace() + "/" + e.name();
  }
}
