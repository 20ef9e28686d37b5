package io.fenceline.simulator.bench;

import java.util.List;
import java.util.Locale;

/**
 * An SVG line chart of convergence latency (p50, p99, max; steady churn and rollout burst) against
 * fleet size (nodes, log scale when the sizes span more than a factor of 10), with a 250 ms target line.
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
    for (FleetResult r : rs) {
      maxY = Math.max(maxY, finite(r.steadyLatency().max()));
      maxY = Math.max(maxY, finite(r.burstLatency().max()));
    }
    maxY = niceCeiling(maxY * 1.05);
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">%n", W, H));
    s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\">fenceline convergence latency "
        + "(produce → last node receipt) vs fleet size, churn offered at %.0f events/s</text>%n", LEFT, rate));
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n",
        LEFT, TOP, plotW, plotH));
    for (int i = 0; i <= 5; i++) {
      double v = maxY * i / 5;
      double y = TOP + plotH - plotH * v / maxY;
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>%n", LEFT, LEFT + plotW, y, y, LEFT - 6, y + 4, v));
    }
    s.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">"
        + "latency (ms)</text>%n", TOP + plotH / 2, TOP + plotH / 2));
    for (FleetResult r : rs) {
      double x = x(r.nodes(), minX, maxX, log, plotW);
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x, TOP + plotH + 18,
          r.nodes()));
    }
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">nodes%s (pods, policies: see "
        + "docs/benchmarks.md)</text>%n", LEFT + plotW / 2, H - 16, log ? ", log scale" : ""));
    double ty = TOP + plotH - plotH * 250 / maxY;
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
        double y = TOP + plotH - plotH * v / maxY;
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

  private static double finite(double v) {
    return Double.isNaN(v) ? 0 : v;
  }

  private static double niceCeiling(double v) {
    double pow = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * pow >= v) {
        return m * pow;
      }
    }
    return 10 * pow;
  }
}
