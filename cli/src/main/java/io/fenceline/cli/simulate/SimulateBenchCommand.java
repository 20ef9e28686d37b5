package io.fenceline.cli.simulate;

import io.fenceline.broker.DataDirs;
import io.fenceline.cli.io.NodeFactsPartitions;
import io.fenceline.fleet.FleetSpec;
import io.fenceline.simulator.bench.FleetBenchmark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code fenceline simulate bench}: the fleet-scale benchmark (see docs/benchmarks.md, "Fleet
 * scale").
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Run the fleet-scale benchmark: for each size, a fresh embedded broker, the engine (exactly-once),",
      "the fleet published, one dry-run applier consumer per node-facts partition; measures the initial",
      "load, steady churn at --rate, a rollout burst, the cost of single changes, state, an engine",
      "restart, and (as root) the largest node's payload on a real kernel in a scratch network namespace.",
      "Each result is appended to --results; all results are rendered into --markdown and --svg."
    })
public final class SimulateBenchCommand implements Callable<Integer> {
  @Option(
      names = "--sizes",
      required = true,
      split = ",",
      paramLabel = "C/N/P/K",
      description = "Fleet sizes to run, smallest first, comma separated.")
  List<String> sizes;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--rate",
      defaultValue = "1000",
      description = "Steady churn, events/s (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--steady-seconds",
      defaultValue = "30",
      description = "Length of the steady churn (default: ${DEFAULT-VALUE}).")
  long steadySeconds;

  @Option(
      names = "--cost-samples",
      defaultValue = "10",
      description = "Single changes per kind for the cost figures (default: ${DEFAULT-VALUE}).")
  int costSamples;

  @Mixin NodeFactsPartitions partitions;

  @Option(
      names = "--no-kernel",
      description = "Skip applying the largest node's payload on a real kernel (needs root).")
  boolean noKernel;

  @Option(
      names = "--report-only",
      description = "Run nothing: render the results file into --markdown and --svg.")
  boolean reportOnly;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "Scratch space (default: DATA_DIR/simulate-bench).")
  Path workDir;

  @Option(
      names = "--results",
      paramLabel = "FILE",
      description = "Results file (default: docs/fleet-scale.json in the repository).")
  Path results;

  @Option(
      names = "--markdown",
      paramLabel = "FILE",
      description = "Report (default: docs/benchmarks.md in the repository).")
  Path markdown;

  @Option(
      names = "--svg",
      paramLabel = "FILE",
      description = "Plot (default: docs/fleet-latency.svg in the repository).")
  Path svg;

  @Override
  public Integer call() throws Exception {
    List<FleetSpec> specs = new ArrayList<>();
    sizes.forEach(s -> specs.add(FleetSizes.parse("--sizes", s)));
    if (rate <= 0 || steadySeconds <= 0 || costSamples <= 0 || partitions.count() <= 0) {
      throw new io.fenceline.cli.BadInputException(
          "--rate, --steady-seconds, --cost-samples and --node-facts-partitions must be positive");
    }
    Path docs = repositoryRoot().resolve("docs");
    FleetBenchmark.Options options =
        new FleetBenchmark.Options(
            specs,
            seed,
            partitions.count(),
            rate,
            Duration.ofSeconds(steadySeconds),
            costSamples,
            !noKernel,
            workDir == null ? DataDirs.defaultDataDir().resolve("simulate-bench") : workDir,
            results == null ? docs.resolve("fleet-scale.json") : results,
            markdown == null ? docs.resolve("benchmarks.md") : markdown,
            svg == null ? docs.resolve("fleet-latency.svg") : svg);
    if (reportOnly) {
      FleetBenchmark.report(options);
      return 0;
    }
    return FleetBenchmark.run(options) == 0 ? 0 : 1;
  }

  private static Path repositoryRoot() {
    String root = System.getProperty("fenceline.root");
    return root == null ? Path.of("").toAbsolutePath() : Path.of(root);
  }
}
