package io.fenceline.cli.simulate;

import io.fenceline.fleet.Fleet;
import io.fenceline.simulator.manifest.ManifestWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fenceline simulate manifests}: writes a generated fleet as one manifest folder per
 * cluster.
 */
@Command(
    name = "manifests",
    mixinStandardHelpOptions = true,
    description = {
      "Write a generated fleet as manifests: OUT/<cluster>/fleet.json per cluster (a List of its",
      "Namespaces, Nodes, Pods and NetworkPolicies), for `fenceline compile --manifests OUT/<cluster>`",
      "or `fenceline ingest`. stdout: one line per cluster folder."
    })
public final class SimulateManifestsCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin FleetOptions fleetOptions;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Where to write the cluster folders.")
  Path out;

  @Override
  public Integer call() throws Exception {
    Fleet fleet = fleetOptions.generate();
    List<Path> folders = ManifestWriter.write(fleet, out);
    for (Path f : folders) {
      spec.commandLine().getOut().println(f);
    }
    spec.commandLine().getOut().flush();
    spec.commandLine()
        .getErr()
        .printf(
            "wrote %d clusters, %d nodes, %d pods, %d policies (seed %d) under %s%n",
            fleet.clusters().size(),
            fleet.nodes().size(),
            fleet.podCount(),
            fleet.policyCount(),
            fleetOptions.seed(),
            out);
    return 0;
  }
}
