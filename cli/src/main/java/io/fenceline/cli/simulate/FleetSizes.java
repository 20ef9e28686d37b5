package io.fenceline.cli.simulate;

import io.fenceline.cli.BadInputException;
import io.fenceline.fleet.FleetSpec;

/** Parses fleet sizes given on the command line; a bad one is the user's to fix (exit 2). */
final class FleetSizes {
  private FleetSizes() {}

  static FleetSpec parse(String option, String text) {
    try {
      return FleetSpec.parse(text);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(option + ": " + e.getMessage());
    }
  }
}
