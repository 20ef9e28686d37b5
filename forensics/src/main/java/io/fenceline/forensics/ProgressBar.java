package io.fenceline.forensics;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr for replays that take longer than a second: records read of the
 * records to read, and the rate. Shown only on a terminal (a pipe or a log gets nothing).
 */
public final class ProgressBar implements Progress {
  private static final long SHOW_AFTER_NANOS = 1_000_000_000L;
  private static final int WIDTH = 30;

  private final PrintStream out;
  private final boolean terminal;
  private final String label;
  private long started;
  private long total;
  private long lastDrawn;
  private boolean shown;

  public ProgressBar(PrintStream out, boolean terminal, String label) {
    this.out = out;
    this.terminal = terminal;
    this.label = label;
  }

  /** On stderr, when this process has a terminal. */
  public static Progress forTerminal(String label) {
    return new ProgressBar(System.err, System.console() != null, label);
  }

  @Override
  public void total(long records) {
    total = Math.max(records, 1);
    started = System.nanoTime();
  }

  @Override
  public void update(long done) {
    long now = System.nanoTime();
    if (!terminal || now - started < SHOW_AFTER_NANOS || now - lastDrawn < 100_000_000L) {
      return;
    }
    lastDrawn = now;
    shown = true;
    out.print("\r" + line(done, now));
    out.flush();
  }

  @Override
  public void done(long done) {
    if (shown) {
      out.print("\r" + line(done, System.nanoTime()) + "\n");
      out.flush();
      shown = false;
    }
  }

  String line(long done, long now) {
    double f = Math.min(1.0, (double) done / total);
    int filled = (int) Math.round(f * WIDTH);
    double seconds = Math.max((now - started) / 1e9, 1e-9);
    return String.format(
        "%s [%s%s] %3d%% %,d/%,d records, %,.0f/s",
        label,
        "#".repeat(filled),
        " ".repeat(WIDTH - filled),
        Math.round(f * 100),
        done,
        total,
        done / seconds);
  }
}
