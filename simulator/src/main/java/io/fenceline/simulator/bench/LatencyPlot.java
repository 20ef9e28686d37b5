package io.fenceline.simulator.bench;

import java.util.List;
import java.util.Locale;

/**
 * An SVG line chart of convergence latency (p50, p99, max; steady churn and rollout burst; log
 * scale) against fleet size (nodes, log scale when the sizes span more than a factor of 10), with
 * the 250 ms target as a line.
 */
final class LatencyPlot {
  private static final int W = 720;
  private static final int H = 420;
  private static final int LEFT = 70;
  private static final int RIGHT = 210;
  private static final int TOP = 40;
  private static final int BOTTOM = 60;

  private LatencyPlot() {}

  /** The rate run at the most sizes (the scaling series); ties go to the higher rate. */
  static double seriesRate(List<FleetResult> results) {
    java.util.Map<Double, Long> counts = new java.util.TreeMap<>();
    results.forEach(r -> counts.merge(r.offeredRate(), 1L, Long::sum));
    return counts.entrySet().stream()
        .max(
            java.util.Map.Entry.<Double, Long>comparingByValue()
                .thenComparing(java.util.Map.Entry.comparingByKey()))
        .orElseThrow()
        .getKey();
  }

  /** One line of the chart: a label, a colour, a dash pattern, and (nodes, ms) points. */
  private record Series(String label, String color, String dash, List<double[]> points) {}

  private static final String[] OTHER_COLORS = {"#2ca02c", "#9467bd", "#8c564b", "#17becf"};

  static String svg(List<FleetResult> results) {
    double rate = seriesRate(results);
    List<FleetResult> all =
        results.stream().sorted(java.util.Comparator.comparingInt(FleetResult::nodes)).toList();
    List<Series> series = new java.util.ArrayList<>();
    String main = String.format(Locale.ROOT, " @%.0f/s", rate);
    series.add(series("steady p50" + main, "#1f77b4", "", all, rate, r -> r.steadyLatency().p50()));
    series.add(
        series("steady p99" + main, "#1f77b4", "6 3", all, rate, r -> r.steadyLatency().p99()));
    series.add(
        series("steady max" + main, "#1f77b4", "2 3", all, rate, r -> r.steadyLatency().max()));
    series.add(series("rollout p50", "#ff7f0e", "", all, rate, r -> r.burstLatency().p50()));
    series.add(series("rollout p99", "#ff7f0e", "6 3", all, rate, r -> r.burstLatency().p99()));
    int c = 0;
    for (double other : all.stream().map(FleetResult::offeredRate).distinct().sorted().toList()) {
      if (other == rate) {
        continue;
      }
      String color = OTHER_COLORS[c++ % OTHER_COLORS.length];
      String at = String.format(Locale.ROOT, " @%.0f/s", other);
      series.add(series("steady p50" + at, color, "", all, other, r -> r.steadyLatency().p50()));
      series.add(series("steady p99" + at, color, "6 3", all, other, r -> r.steadyLatency().p99()));
    }
    double minX = all.get(0).nodes();
    double maxX = all.get(all.size() - 1).nodes();
    boolean log = maxX / Math.max(1, minX) > 10;
    double maxY = 250;
    double minY = 250;
    for (Series se : series) {
      for (double[] pt : se.points()) {
        maxY = Math.max(maxY, pt[1]);
        minY = Math.min(minY, Math.max(1, pt[1]));
      }
    }
    // Log scale: latencies span milliseconds (an idle pipeline) to minutes (a saturated one).
    double lo = Math.pow(10, Math.floor(Math.log10(minY)));
    double hi = Math.pow(10, Math.ceil(Math.log10(maxY * 1.01)));
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n",
            W,
            H));
    s.append(
        String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"22\" font-size=\"14\">fenceline convergence latency "
                + "(produce → last node receipt) vs fleet size</text>%n",
            20));
    s.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n",
            LEFT,
            TOP,
            plotW,
            plotH));
    for (double v = lo; v <= hi * 1.001; v *= 10) {
      double y = y(v, lo, hi, plotH);
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
              LEFT,
              LEFT + plotW,
              y,
              y,
              LEFT - 6,
              y + 4,
              v >= 1000
                  ? String.format(Locale.ROOT, "%.0f s", v / 1000)
                  : String.format(Locale.ROOT, "%.0f ms", v)));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">"
                + "latency (log scale)</text>%n",
            TOP + plotH / 2,
            TOP + plotH / 2));
    for (int nodes : all.stream().map(FleetResult::nodes).distinct().toList()) {
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
              x(nodes, minX, maxX, log, plotW),
              TOP + plotH + 18,
              nodes));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">nodes%s (pods, policies, rates: "
                + "docs/benchmarks.md)</text>%n",
            LEFT + plotW / 2,
            H - 16,
            log ? ", log scale" : ""));
    double ty = y(250, lo, hi, plotH);
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#c00\" "
                + "stroke-dasharray=\"6 4\"/>%n",
            LEFT,
            LEFT + plotW,
            ty,
            ty));
    int k = 0;
    for (Series se : series) {
      StringBuilder pts = new StringBuilder();
      for (double[] pt : se.points()) {
        double x = x(pt[0], minX, maxX, log, plotW);
        double y = y(pt[1], lo, hi, plotH);
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        s.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                x,
                y,
                se.color()));
      }
      String dash = se.dash().isEmpty() ? "" : " stroke-dasharray=\"" + se.dash() + "\"";
      s.append(
          String.format(
              Locale.ROOT,
              "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
              pts.toString().strip(),
              se.color(),
              dash));
      int ly = TOP + 10 + k++ * 20;
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>"
                  + "<text x=\"%d\" y=\"%d\">%s</text>%n",
              LEFT + plotW + 12,
              LEFT + plotW + 40,
              ly,
              ly,
              se.color(),
              dash,
              LEFT + plotW + 46,
              ly + 4,
              se.label()));
    }
    int ly = TOP + 10 + k * 20;
    s.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#c00\" stroke-dasharray=\"6 4\"/>"
                + "<text x=\"%d\" y=\"%d\">p99 target 250 ms</text>%n",
            LEFT + plotW + 12,
            LEFT + plotW + 40,
            ly,
            ly,
            LEFT + plotW + 46,
            ly + 4));
    s.append("</svg>\n");
    return s.toString();
  }

  private static Series series(
      String label,
      String color,
      String dash,
      List<FleetResult> rs,
      double rate,
      java.util.function.ToDoubleFunction<FleetResult> value) {
    List<double[]> points = new java.util.ArrayList<>();
    for (FleetResult r : rs) {
      double v = value.applyAsDouble(r);
      if (r.offeredRate() == rate && !Double.isNaN(v)) {
        points.add(new double[] {r.nodes(), v});
      }
    }
    return new Series(label, color, dash, points);
  }

  private static double x(double nodes, double minX, double maxX, boolean log, int plotW) {
    if (maxX == minX) {
      return LEFT + plotW / 2.0;
    }
    double f =
        log
            ? (Math.log(nodes) - Math.log(minX)) / (Math.log(maxX) - Math.log(minX))
            : (nodes - minX) / (maxX - minX);
    return LEFT + 30 + (plotW - 60) * f;
  }

  private static double y(double v, double lo, double hi, int plotH) {
    double f = (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
    return TOP + plotH - plotH * f;
  }
}
