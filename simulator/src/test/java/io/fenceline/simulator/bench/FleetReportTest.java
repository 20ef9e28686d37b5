package io.fenceline.simulator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class FleetReportTest {
  @TempDir Path tmp;

  private static FleetResult result(
      int clusters, int nodes, int pods, int policies, double rate, double p99) {
    Percentiles lat = new Percentiles(100, p99 / 2, p99, p99 * 1.1);
    return new FleetResult(
        clusters + "/" + nodes + "/" + pods + "/" + policies,
        clusters,
        nodes,
        pods,
        policies,
        12,
        42,
        "2026-11-26T07:00:00Z",
        "1.0 1.0 1.0 → 2.0 2.0 2.0",
        1000,
        10,
        100,
        5000,
        1 << 20,
        rate,
        2000,
        20,
        rate * 0.9,
        lat,
        50,
        lat,
        1.5,
        Map.of("pod relabel", new FleetResult.Cost(5, 10, 20, 2048, 4096, 4, 150)),
        2.0,
        3.0,
        1.5,
        4.0,
        1 << 20,
        300L << 20,
        1.2,
        1.5,
        new Percentiles(nodes, 500, 700, 800),
        new Percentiles(nodes, 3000, 4000, 5000),
        "c00/n",
        800,
        5000,
        100,
        80,
        10,
        800,
        nodes,
        nodes,
        "test machine");
  }

  @Test
  void shouldKeepTheTextAroundTheGeneratedPartAndReplaceItOnTheNextRun() throws Exception {
    Path md = tmp.resolve("benchmarks.md");
    Files.writeString(
        md, "# before\n\n" + FleetReport.BEGIN + "\nold\n" + FleetReport.END + "\n\n# after\n");
    FleetReport.write(List.of(result(1, 50, 1500, 200, 1000, 300)), md, tmp.resolve("plot.svg"));
    FleetReport.write(
        List.of(result(1, 50, 1500, 200, 1000, 300), result(2, 200, 6000, 800, 1000, 900)),
        md,
        tmp.resolve("plot.svg"));
    String doc = Files.readString(md);
    assertThat(doc)
        .startsWith("# before\n")
        .endsWith("# after\n")
        .doesNotContain("old")
        .contains("| 2 / 200 / 6,000 / 800 |")
        .contains("| 1 / 50 / 1,500 / 200 |")
        .contains("**missed**")
        .contains("200 of 200");
    assertThat(doc.indexOf(FleetReport.BEGIN)).isEqualTo(doc.lastIndexOf(FleetReport.BEGIN));
  }

  @Test
  void shouldDrawAWellFormedSvgWithOnePointPerSizeAndSeries() throws Exception {
    String svg =
        LatencyPlot.svg(
            List.of(
                result(1, 50, 1500, 200, 1000, 300),
                result(2, 200, 6000, 800, 1000, 90_000),
                result(1, 50, 1500, 200, 50, 120)));
    Document d =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertThat(d.getDocumentElement().getNodeName()).isEqualTo("svg");
    // 5 series x 2 sizes at the rate run most often (1,000/s), 2 series x 1 size at 50/s.
    assertThat(d.getElementsByTagName("circle").getLength()).isEqualTo(12);
    assertThat(svg)
        .contains("steady p99 @1000/s")
        .contains("steady p50 @50/s")
        .contains("p99 target 250 ms");
  }
}
