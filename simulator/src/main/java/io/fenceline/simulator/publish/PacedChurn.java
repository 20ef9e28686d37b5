package io.fenceline.simulator.publish;

import io.fenceline.fleet.Change;
import io.fenceline.fleet.ChurnGenerator;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Publishes the steady churn mix at a given rate (events per second) for a given time: event i is
 * due at start + i / rate; when publishing falls behind, events go out back to back until it caught
 * up (so the offered rate holds on average; the result says what was achieved).
 */
public final class PacedChurn {
  /** What a paced run achieved. */
  public record Result(long events, Duration elapsed, long maxBehindMillis) {
    public double eventsPerSecond() {
      return events / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }
  }

  private PacedChurn() {}

  public static Result run(
      ChurnGenerator churn,
      FleetPublisher publisher,
      double eventsPerSecond,
      Duration duration,
      BooleanSupplier stop) {
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    double interval = 1e9 / eventsPerSecond;
    long events = 0;
    long maxBehind = 0;
    while (!stop.getAsBoolean()) {
      long due = start + (long) (events * interval);
      if (due >= end) {
        break;
      }
      long now = System.nanoTime();
      if (due > now) {
        LockSupport.parkNanos(due - now);
      } else {
        maxBehind = Math.max(maxBehind, (now - due) / 1_000_000);
      }
      Change c = churn.next();
      publisher.publish(c);
      events++;
    }
    return new Result(events, Duration.ofNanos(System.nanoTime() - start), maxBehind);
  }
}
