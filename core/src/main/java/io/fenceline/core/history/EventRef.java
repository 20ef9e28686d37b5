package io.fenceline.core.history;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventType;
import java.time.Instant;
import java.util.stream.Collectors;

/**
 * An event of the log as an answer cites it: where it is, when it was observed and what it said.
 */
public record EventRef(
    long offset,
    Instant observedAt,
    String type,
    String kind,
    String name,
    String resourceVersion) {

  public static EventRef of(LogEvent r) {
    ChangeEvent e = r.event();
    return new EventRef(
        r.offset(),
        e.observedAt(),
        e.type().name(),
        e.kind(),
        e.displayName(),
        e.resourceVersion());
  }

  /** A record and what it changed: a generation end names the objects its sweep deleted. */
  public static EventRef of(StateDiff.Applied a) {
    ChangeEvent e = a.record().event();
    if (e.type() != EventType.GENERATION_END || a.changed().isEmpty()) {
      return of(a.record());
    }
    String swept =
        a.changed().stream()
            .map(x -> x.key().namespace().isEmpty() ? x.key().name() : x.key().toString())
            .collect(Collectors.joining(", "));
    return new EventRef(
        a.record().offset(),
        e.observedAt(),
        e.type().name(),
        e.kind(),
        "swept " + swept + " (generation " + e.generation() + ")",
        null);
  }

  @Override
  public String toString() {
    return "@"
        + offset
        + " "
        + observedAt
        + " "
        + type
        + " "
        + kind
        + (name.isEmpty() ? "" : " " + name)
        + (resourceVersion == null ? "" : " rv=" + resourceVersion);
  }
}
