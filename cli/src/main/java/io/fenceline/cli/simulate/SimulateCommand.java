package io.fenceline.cli.simulate;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code fenceline simulate}: a fleet and its churn from a seed, as manifests, as events, or
 * benchmarked.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Generate a realistic fleet (clusters, nodes, namespaces, pods with named ports, policies of the",
      "usual kinds) and its churn, deterministically from a seed. Sizes are CLUSTERS/NODES/PODS/POLICIES",
      "summed over the fleet, e.g. 10/5000/150000/20000."
    },
    subcommands = {
      SimulateManifestsCommand.class,
      SimulatePublishCommand.class,
      SimulateBenchCommand.class
    })
public final class SimulateCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: manifests, publish or bench");
  }
}
