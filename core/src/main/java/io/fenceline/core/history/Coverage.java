package io.fenceline.core.history;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventType;
import io.fenceline.core.model.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which moments of a cluster's log describe the cluster, and which do not. The state at T is
 * unknown:
 *
 * <ul>
 *   <li>before the first complete list (a {@code GENERATION_END} of Namespaces, Pods and
 *       NetworkPolicies), when the log does not yet hold the whole cluster;
 *   <li>from the moment ingest broke its heartbeat promise (no event within the interval its last
 *       {@code HEARTBEAT} named) until a relist of those three kinds completed: changes made while
 *       nobody watched are only learned, and deletions only swept, at that relist.
 * </ul>
 *
 * A log written only by one-shot file publications carries no heartbeat and so makes no promise:
 * each publication stands until the next. Pure.
 */
public final class Coverage {
  static final Set<String> LISTED_KINDS =
      Set.of(Kind.NAMESPACE.apiName(), Kind.POD.apiName(), Kind.NETWORK_POLICY.apiName());

  /** A stretch when the state is unknown; {@code to} null while it has not ended. */
  public record Window(Instant from, Instant to, String reason) {
    public boolean contains(Instant t) {
      return !t.isBefore(from) && (to == null || t.isBefore(to));
    }
  }

  /** Everything a snapshot must keep to go on where this coverage stopped. */
  public record Saved(
      Instant firstEventAt,
      Instant listedAt,
      Set<String> listed,
      Duration promise,
      Instant lastEventAt,
      Window open,
      Set<String> relisted,
      List<Window> windows) {}

  private Instant firstEventAt;
  private Instant listedAt;
  private final TreeSet<String> listed = new TreeSet<>();
  private Duration promise;
  private Instant lastEventAt;
  private Window open;
  private final TreeSet<String> relisted = new TreeSet<>();
  private final List<Window> windows = new ArrayList<>();

  public Coverage() {}

  public static Coverage restore(Saved s) {
    Coverage c = new Coverage();
    c.firstEventAt = s.firstEventAt();
    c.listedAt = s.listedAt();
    c.listed.addAll(s.listed());
    c.promise = s.promise();
    c.lastEventAt = s.lastEventAt();
    c.open = s.open();
    c.relisted.addAll(s.relisted());
    c.windows.addAll(s.windows());
    return c;
  }

  public Saved save() {
    return new Saved(
        firstEventAt,
        listedAt,
        Set.copyOf(listed),
        promise,
        lastEventAt,
        open,
        Set.copyOf(relisted),
        List.copyOf(windows));
  }

  Coverage copy() {
    return restore(save());
  }

  void observe(ChangeEvent e) {
    Instant t = e.observedAt();
    if (firstEventAt == null) {
      firstEventAt = t;
    }
    if (open == null
        && promise != null
        && lastEventAt != null
        && t.isAfter(lastEventAt.plus(promise))) {
      open =
          new Window(
              lastEventAt.plus(promise),
              null,
              "ingest was silent after "
                  + lastEventAt
                  + " (its heartbeat promised an event every "
                  + promise.toSeconds()
                  + " s) until a relist completed");
      relisted.clear();
    }
    if (e.type() == EventType.GENERATION_END && LISTED_KINDS.contains(e.kind())) {
      listed.add(e.kind());
      if (listedAt == null && listed.containsAll(LISTED_KINDS)) {
        listedAt = t;
      }
      if (open != null) {
        relisted.add(e.kind());
        if (relisted.containsAll(LISTED_KINDS)) {
          windows.add(new Window(open.from(), t, open.reason()));
          open = null;
        }
      }
    }
    if (e.type() == EventType.HEARTBEAT) {
      promise = e.heartbeatInterval();
    }
    lastEventAt = lastEventAt == null || t.isAfter(lastEventAt) ? t : lastEventAt;
  }

  /** The first event's time, or null. */
  public Instant firstEventAt() {
    return firstEventAt;
  }

  /**
   * Why the state at {@code t} is unknown, or null if it is known. {@code nextEventAt} is the time
   * of the first record after {@code t} (null when the log ends before it); the state must have
   * folded in every record up to {@code t}.
   */
  public String unknownAt(Instant t, Instant nextEventAt, Instant now) {
    if (listedAt == null || t.isBefore(listedAt)) {
      return "the log holds no complete list of the cluster before "
          + (listedAt == null ? "this moment" : listedAt)
          + " (the first relist of Namespaces, Pods and NetworkPolicies had not ended)";
    }
    for (Window w : windows) {
      if (w.contains(t)) {
        return w.reason() + " at " + w.to();
      }
    }
    if (open != null && open.contains(t)) {
      return open.reason();
    }
    if (promise != null && lastEventAt != null && t.isAfter(lastEventAt.plus(promise))) {
      Instant until = nextEventAt == null ? now : nextEventAt;
      if (until == null || until.isAfter(lastEventAt.plus(promise))) {
        return "ingest was silent after "
            + lastEventAt
            + " (its heartbeat promised an event every "
            + promise.toSeconds()
            + " s)"
            + (nextEventAt == null ? " and the log ends there" : "");
      }
    }
    return null;
  }

  /** Every window known so far, in order, the open one last. */
  public List<Window> windows() {
    List<Window> all = new ArrayList<>(windows);
    if (listedAt != null && firstEventAt != null && firstEventAt.isBefore(listedAt)) {
      all.add(0, new Window(firstEventAt, listedAt, "before the first complete list"));
    }
    if (open != null) {
      all.add(open);
    }
    return all;
  }
}
