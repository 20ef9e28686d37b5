package io.fenceline.cli;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C / SIGTERM as an orderly stop of a long-running command, the one way every such command
 * stops. The command registers what to stop (each is stopped before what was registered earlier, as
 * try-with-resources does: register the broker, then its clients), {@link #listen}s, waits in
 * {@link #await()} and closes this when it ends. On a signal the shutdown hook asks for the stop
 * and waits (up to the grace period) until the command has closed everything, so the JVM does not
 * exit half-way through; a command that ends on its own deregisters the hook.
 */
public final class GracefulStop implements AutoCloseable {
  private final String name;
  private final Duration grace;
  private final Deque<AutoCloseable> toStop = new ArrayDeque<>();
  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private Thread hook;
  private volatile boolean hookRan;

  /**
   * {@code name}: the hook thread's name; {@code grace}: how long the hook waits for the command to
   * stop.
   */
  public GracefulStop(String name, Duration grace) {
    this.name = name;
    this.grace = grace;
  }

  /**
   * Stops {@code resource} when this closes, before everything registered earlier; null is ignored.
   */
  public synchronized <T extends AutoCloseable> T register(T resource) {
    if (resource != null) {
      toStop.push(resource);
    }
    return resource;
  }

  /**
   * From now on Ctrl-C and SIGTERM ask for the stop; the JVM exits once this closed (or after the
   * grace).
   */
  public synchronized void listen() {
    if (hook != null) {
      return;
    }
    hook =
        new Thread(
            () -> {
              hookRan = true;
              requested.countDown();
              try {
                finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            name);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Handles SIGTERM and SIGINT itself instead (no hook): the first asks for the stop, so the
   * command returns (and the process exits 0, not 143/130); a second runs {@code onSecond}. False
   * when the JVM offers no signal handling; then the JVM's default applies.
   */
  public boolean trapSignals(Runnable onSecond) {
    return StopSignals.install(this::request, onSecond);
  }

  /** Asks for the stop, as a signal does: for a command that ends on its own, and for tests. */
  public void request() {
    requested.countDown();
  }

  public boolean requested() {
    return requested.getCount() == 0;
  }

  /** Waits until the stop is asked for. */
  public void await() throws InterruptedException {
    requested.await();
  }

  /**
   * Stops what was registered, newest first; then lets the hook (if it runs) return, or removes it.
   */
  @Override
  public void close() throws Exception {
    Exception failure = null;
    try {
      while (true) {
        AutoCloseable next;
        synchronized (this) {
          next = toStop.poll();
        }
        if (next == null) {
          break;
        }
        try {
          next.close();
        } catch (Exception e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
    } finally {
      finished.countDown();
      deregister();
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The shutdown hook, once {@link #listen()} made one (for tests). */
  synchronized Thread hook() {
    return hook;
  }

  private synchronized void deregister() {
    if (hook == null || hookRan) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs now and returns at once: finished is counted down
    }
  }
}
