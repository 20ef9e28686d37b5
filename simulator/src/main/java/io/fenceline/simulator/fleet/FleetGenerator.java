package io.fenceline.simulator.fleet;

/**
 * The name {@code fenceline simulate} (cli/) imports for {@link io.fenceline.fleet.FleetGenerator}.
 * No behaviour of its own; it goes once cli/ imports {@code io.fenceline.fleet}.
 */
public final class FleetGenerator {
  private FleetGenerator() {}

  public static Fleet generate(FleetSpec spec, long seed) {
    return new Fleet(io.fenceline.fleet.FleetGenerator.generate(spec.shared(), seed));
  }
}
