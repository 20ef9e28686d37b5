package io.fenceline.ingest;

import java.time.Clock;
import java.time.Instant;

/** Observation times of one cluster: never earlier than the previous one. */
final class ObservedClock {
  private final Clock clock;
  private Instant last = Instant.EPOCH;

  ObservedClock(Clock clock) {
    this.clock = clock;
  }

  synchronized Instant now() {
    Instant t = clock.instant();
    if (t.isAfter(last)) {
      last = t;
    }
    return last;
  }
}
