package io.fenceline.simulator.applier;

import java.time.Instant;

/** The event of {@code fenceline.events} behind a fact (from the fact's headers). */
public record SourceEvent(int partition, long offset, Instant observedAt) {
  public long id() {
    return ((long) partition << 40) | offset;
  }
}
