package io.fenceline.simulator.fleet;

/**
 * The name {@code fenceline simulate} (cli/) imports for {@link io.fenceline.fleet.ChurnGenerator}.
 * No behaviour of its own; it goes once cli/ imports {@code io.fenceline.fleet}.
 */
public final class ChurnGenerator extends io.fenceline.fleet.ChurnGenerator {
  public ChurnGenerator(io.fenceline.fleet.Fleet fleet, long seed) {
    super(fleet, seed);
  }
}
