package io.fenceline.simulator.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fenceline.fleet.FleetSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet-scale benchmark (a main, not a test): runs each given size through the real pipeline
 * ({@link FleetRun}), appends each result to the results file as soon as it is taken, and renders
 * every result in that file into docs/benchmarks.md and the SVG plot. A size that fails is reported
 * and skipped; nothing is extrapolated.
 */
public final class FleetBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(FleetBenchmark.class);
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(
              com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Everything the benchmark is told. */
  public record Options(
      List<FleetSpec> sizes,
      long seed,
      int nodeFactPartitions,
      double rate,
      Duration steady,
      int costSamples,
      boolean kernel,
      Path workDir,
      Path results,
      Path markdown,
      Path svg) {}

  private FleetBenchmark() {}

  /** Runs every size; returns how many failed. */
  public static int run(Options o) throws Exception {
    List<FleetResult> all = read(o.results());
    int failed = 0;
    for (FleetSpec spec : o.sizes()) {
      try {
        FleetResult r =
            new FleetRun(
                    new FleetRun.Options(
                        spec,
                        o.seed(),
                        o.nodeFactPartitions(),
                        o.rate(),
                        o.steady(),
                        o.costSamples(),
                        o.kernel(),
                        o.workDir()))
                .run();
        all.removeIf(x -> x.size().equals(r.size()) && x.offeredRate() == r.offeredRate());
        all.add(r);
        Files.createDirectories(o.results().toAbsolutePath().getParent());
        JSON.writeValue(o.results().toFile(), all);
        FleetReport.write(all, o.markdown(), o.svg());
        LOG.info("{}: done; results in {}, report in {}", spec, o.results(), o.markdown());
      } catch (Exception | OutOfMemoryError e) {
        failed++;
        LOG.error("{}: the run failed: {}", spec, e.toString(), e);
      }
    }
    return failed;
  }

  /** Renders the results file into the report and the plot without running anything. */
  public static void report(Options o) throws Exception {
    List<FleetResult> all = read(o.results());
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no results in " + o.results() + " to report");
    }
    FleetReport.write(all, o.markdown(), o.svg());
  }

  static List<FleetResult> read(Path results) throws java.io.IOException {
    if (!Files.exists(results)) {
      return new ArrayList<>();
    }
    return new ArrayList<>(
        JSON.readValue(results.toFile(), new TypeReference<List<FleetResult>>() {}));
  }
}
