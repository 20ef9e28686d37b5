package io.fenceline.simulator.bench;

import java.util.List;
import java.util.Locale;

/**
 * An SVG line chart of convergence latency (p50, p99, max; steady churn and rollout burst; log scale)
 * against fleet size (nodes, log scale when the sizes span more than a factor of 10), with the 250 ms
 * target as a line.
 */
final class LatencyPlot {
  private static final int W = 720;
  private static final int H = 420;
  private static final int LEFT = 70;
  private static final int RIGHT = 190;
  private static final int TOP = 40;
  private static final int BOTTOM = 60;

  private LatencyPlot() {}

  /** The rate run at the most sizes (the scaling series); ties go to the higher rate. */
  static double seriesRate(List<FleetResult> results) {
    java.util.Map<Double, Long> counts = new java.util.TreeMap<>();
    results.forEach(r -> counts.merge(r.offeredRate(), 1L, Long::sum));
    return counts.entrySet().stream().max(java.util.Map.Entry.<Double, Long>comparingByValue()
        .thenComparing(java.util.Map.Entry.comparingByKey())).orElseThrow().getKey();
  }

  static String svg(List<FleetResult> results) {
    double rate = seriesRate(results);
    List<FleetResult> rs = results.stream().filter(r -> r.offeredRate() == rate)
        .sorted(java.util.Comparator.comparingInt(FleetResult::nodes)).toList();
    double minX = rs.get(0).nodes();
    double maxX = rs.get(rs.size() - 1).nodes();
    boolean log = maxX / Math.max(1, minX) > 10;
    double maxY = 250;
    double minY = 250;
    for (FleetResult r : rs) {
      for (Percentiles p : List.of(r.steadyLatency(), r.burstLatency())) {
        if (p.count() > 0) {
          maxY = Math.max(maxY, p.max());
          minY = Math.min(minY, Math.max(1, p.p50()));
        }
      }
    }
    // Log scale: latencies span milliseconds (an idle pipeline) to minutes (a saturated one).
    double lo = Math.pow(10, Math.floor(Math.log10(minY)));
    double hi = Math.pow(10, Math.ceil(Math.log10(maxY * 1.01)));
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">%n", W, H));
    s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\">fenceline convergence latency "
        + "(produce → last node receipt) vs fleet size, churn offered at %.0f events/s</text>%n", 20, rate));
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n",
        LEFT, TOP, plotW, plotH));
    for (double v = lo; v <= hi * 1.001; v *= 10) {
      double y = y(v, lo, hi, plotH);
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, LEFT + plotW, y, y, LEFT - 6, y + 4,
          v >= 1000 ? String.format(Locale.ROOT, "%.0f s", v / 1000) : String.format(Locale.ROOT, "%.0f ms", v)));
    }
    s.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">"
        + "latency (log scale)</text>%n", TOP + plotH / 2, TOP + plotH / 2));
    for (FleetResult r : rs) {
      double x = x(r.nodes(), minX, maxX, log, plotW);
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x, TOP + plotH + 18,
          r.nodes()));
    }
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">nodes%s (pods, policies: see "
        + "docs/benchmarks.md)</text>%n", LEFT + plotW / 2, H - 16, log ? ", log scale" : ""));
    double ty = y(250, lo, hi, plotH);
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#c00\" "
        + "stroke-dasharray=\"6 4\"/>%n", LEFT, LEFT + plotW, ty, ty));
    String[][] series = {
        {"steady p50", "#1f77b4", ""}, {"steady p99", "#1f77b4", "6 3"}, {"steady max", "#1f77b4", "2 3"},
        {"rollout p50", "#ff7f0e", ""}, {"rollout p99", "#ff7f0e", "6 3"}, {"rollout max", "#ff7f0e", "2 3"}};
    for (int k = 0; k < series.length; k++) {
      StringBuilder pts = new StringBuilder();
      for (FleetResult r : rs) {
        Percentiles p = k < 3 ? r.steadyLatency() : r.burstLatency();
        double v = k % 3 == 0 ? p.p50() : k % 3 == 1 ? p.p99() : p.max();
        if (Double.isNaN(v)) {
          continue;
        }
        double x = x(r.nodes(), minX, maxX, log, plotW);
        double y = y(v, lo, hi, plotH);
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y, series[k][1]));
      }
      s.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
          pts.toString().strip(), series[k][1], series[k][2].isEmpty() ? "" : " stroke-dasharray=\"" + series[k][2] + "\""));
      int ly = TOP + 10 + k * 20;
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>"
          + "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + plotW + 12, LEFT + plotW + 40, ly, ly, series[k][1],
          series[k][2].isEmpty() ? "" : " stroke-dasharray=\"" + series[k][2] + "\"", LEFT + plotW + 46, ly + 4, series[k][0]));
    }
    int ly = TOP + 10 + series.length * 20;
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#c00\" stroke-dasharray=\"6 4\"/>"
        + "<text x=\"%d\" y=\"%d\">p99 target 250 ms</text>%n", LEFT + plotW + 12, LEFT + plotW + 40, ly, ly,
        LEFT + plotW + 46, ly + 4));
    s.append("</svg>\n");
    return s.toString();
  }

  private static double x(double nodes, double minX, double maxX, boolean log, int plotW) {
    if (maxX == minX) {
      return LEFT + plotW / 2.0;
    }
    double f = log ? (Math.log(nodes) - Math.log(minX)) / (Math.log(maxX) - Math.log(minX)) : (nodes - minX) / (maxX - minX);
    return LEFT + 30 + (plotW - 60) * f;
  }

  private static double y(double v, double lo, double hi, int plotH) {
    double f = (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
    return TOP + plotH - plotH * f;
  }
}
