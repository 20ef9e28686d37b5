package io.fenceline.testcontainers;

import java.util.ArrayList;
import java.util.List;

/**
 * Start-up cost of the shop example: for each run, the time from {@code start()} to its return
 * (every node converged), to the first connection attempt's answer and to the first {@code explain}
 * answer. Prints one Markdown table row per run and the medians. Run it with {@code
 * testcontainers/startup-benchmark.sh} (which also records the machine and the load), on a quiet
 * machine with warm images.
 *
 * <p>Arguments: {@code [runs]} (default 5).
 */
public final class StartupBenchmark {
  private StartupBenchmark() {}

  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    List<long[]> results = new ArrayList<>();
    System.out.println(
        "| run | start() ms | first connection answer ms | first explain answer ms |");
    System.out.println("|---|---|---|---|");
    for (int i = 1; i <= runs; i++) {
      long[] r = once();
      results.add(r);
      System.out.printf("| %d | %d | %d | %d |%n", i, r[0], r[1], r[2]);
    }
    System.out.printf(
        "| median | %d | %d | %d |%n", median(results, 0), median(results, 1), median(results, 2));
  }

  /** start(), first connection answer, first explain answer: ms after the call to start(). */
  private static long[] once() {
    try (FencelineContainer fenceline =
        new FencelineContainer().withManifestsFromClasspath("shop/")) {
      long t0 = System.nanoTime();
      fenceline.start();
      long started = System.nanoTime();
      Connection c = fenceline.canConnect("shop/frontend", "shop/backend", 8080, Protocol.TCP);
      long connected = System.nanoTime();
      Explanation x = fenceline.explain("shop/frontend", "shop/backend", 8080, Protocol.TCP);
      long explained = System.nanoTime();
      if (!c.connected() || !x.allowed()) {
        throw new IllegalStateException("the shop's allowed path is not allowed: " + c + ", " + x);
      }
      return new long[] {ms(t0, started), ms(t0, connected), ms(t0, explained)};
    }
  }

  private static long ms(long from, long to) {
    return (to - from) / 1_000_000;
  }

  private static long median(List<long[]> rows, int column) {
    List<Long> v = new ArrayList<>(rows.stream().map(r -> r[column]).toList());
    v.sort(null);
    return v.get(v.size() / 2);
  }
}
