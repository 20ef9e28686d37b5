package io.fenceline.ingest;

import java.time.Clock;

/**
 * List generations: the wall-clock millis at the start of a list, so that a restarted ingest (which
 * remembers nothing) still starts a generation newer than every one before it; strictly increasing
 * within this process even when the clock stalls or steps back.
 */
public final class Generations {
  private final Clock clock;
  private long last;

  public Generations(Clock clock) {
    this.clock = clock;
  }

  public synchronized long next() {
    last = Math.max(clock.millis(), last + 1);
    return last;
  }
}
