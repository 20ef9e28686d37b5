package io.fenceline.cli.simulate;

import io.fenceline.fleet.Fleet;
import io.fenceline.fleet.FleetGenerator;
import picocli.CommandLine.Option;

/** Which fleet to generate (a picocli mixin): {@code --size} and {@code --seed}. */
public final class FleetOptions {
  @Option(
      names = "--size",
      required = true,
      paramLabel = "C/N/P/K",
      description = "Clusters/nodes/pods/policies.")
  String size;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  public long seed() {
    return seed;
  }

  /** The fleet of this size and seed; a bad size is the user's to fix (exit 2). */
  public Fleet generate() {
    return FleetGenerator.generate(FleetSizes.parse("--size", size), seed);
  }
}
