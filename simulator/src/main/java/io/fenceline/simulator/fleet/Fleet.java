package io.fenceline.simulator.fleet;

/**
 * The name {@code fenceline simulate} (cli/) imports for {@link io.fenceline.fleet.Fleet}, where
 * the fleet generator now lives. No behaviour of its own; it goes once cli/ imports {@code
 * io.fenceline.fleet}.
 */
public final class Fleet extends io.fenceline.fleet.Fleet {
  Fleet(io.fenceline.fleet.Fleet fleet) {
    super(fleet);
  }
}
