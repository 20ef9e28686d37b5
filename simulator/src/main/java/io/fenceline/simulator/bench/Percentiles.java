package io.fenceline.simulator.bench;

import java.util.Arrays;
import java.util.Collection;

/** Nearest-rank percentiles of a sample. */
public record Percentiles(int count, double p50, double p99, double max) {
  public static Percentiles of(Collection<? extends Number> values) {
    double[] v = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    if (v.length == 0) {
      return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN);
    }
    return new Percentiles(v.length, rank(v, 0.50), rank(v, 0.99), v[v.length - 1]);
  }

  private static double rank(double[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length == 0 ? Double.NaN : v[(v.length - 1) / 2];
  }
}
