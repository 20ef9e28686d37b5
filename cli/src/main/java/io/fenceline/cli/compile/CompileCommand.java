package io.fenceline.cli.compile;

import io.fenceline.cli.ExitCodes;
import io.fenceline.cli.io.ManifestFiles;
import io.fenceline.cli.io.PayloadWriter;
import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.manifest.Problem;
import io.fenceline.core.render.ClusterRenderer;
import io.fenceline.core.render.NodePayload;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fenceline compile}: manifests in, one folder of restore payloads per node out. */
@Command(
    name = "compile",
    mixinStandardHelpOptions = true,
    description = {
      "Compile manifests (Namespaces, Pods, NetworkPolicies, ClusterNetworkPolicies, Nodes) into",
      "per-node payloads.",
      "Writes OUT/<node>/{ipset.restore,iptables.restore,ip6tables.restore}; on a node, apply with",
      "  ipset restore < ipset.restore && iptables-restore --noflush < iptables.restore",
      "  && ip6tables-restore --noflush < ip6tables.restore",
      "Invalid objects are reported on stderr (exit 0, or 1 with --strict); a manifest that does",
      "not parse exits 2 and leaves OUT untouched."
    })
public final class CompileCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--manifests",
      required = true,
      paramLabel = "PATH",
      description = "A YAML/JSON manifest file, or a folder of them (read recursively).")
  Path manifests;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(names = "--strict", description = "Exit 1 when any object is invalid.")
  boolean strict;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      paramLabel = "FORMAT",
      description = "Summary format on stdout: table or json (default: ${DEFAULT-VALUE}).")
  String output;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    if (!output.equals("table") && !output.equals("json")) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--output must be table or json");
    }
    // Decoded as the pipeline enforces it: objects too large for one event fail closed here too.
    DecodedObjects decoded =
        Manifests.decode(
            ManifestFiles.read(manifests), io.fenceline.ingest.ManifestObjects::publishedSize);
    for (Problem p : decoded.problems()) {
      err.println(p);
    }
    if (!decoded.ignoredKinds().isEmpty()) {
      List<String> parts = new ArrayList<>();
      decoded.ignoredKinds().forEach((k, n) -> parts.add(n + " " + k));
      err.println("ignored objects of kinds fenceline does not read: " + String.join(", ", parts));
    }
    int objects = decoded.objects().size();
    int problems = (int) decoded.problems().stream().filter(p -> !p.warning()).count();
    CompiledCluster compiled = CompiledCluster.fromScratch(Manifests.asUpserts(decoded));
    decoded = null; // the compiled facts are all that is needed from here: let the objects go
    // One node at a time, written as soon as it is rendered: memory holds the compiled cluster, the
    // text of each set (rendered once: every node using a set holds the same members) and one
    // node's
    // payload, never the whole output.
    ClusterRenderer renderer = new ClusterRenderer(compiled.facts());
    List<String> nodes = List.copyOf(compiled.nodes());
    NodeSummary[] summaries = new NodeSummary[nodes.size()];
    // Nodes are rendered and written on every core; each task holds one node's payload until
    // written.
    java.util.stream.IntStream.range(0, nodes.size())
        .parallel()
        .forEach(
            i -> {
              NodeModel structure = compiled.facts().nodeStructure(nodes.get(i));
              NodePayload payload = renderer.render(structure);
              PayloadWriter.writeNode(out, payload);
              int members = 0;
              for (var ref : structure.sets().keySet()) {
                members += compiled.facts().members(ref.id()).size();
              }
              summaries[i] = NodeSummary.of(structure, members, payload, out.resolve(nodes.get(i)));
            });
    PayloadWriter.removeOtherNodes(out, compiled.nodes());
    if (output.equals("json")) {
      NodeSummary.printJson(stdout, List.of(summaries), problems);
    } else {
      NodeSummary.printTable(stdout, List.of(summaries));
    }
    stdout.flush();
    err.printf(
        "compiled %d objects into %d node payloads under %s (%d invalid objects)%n",
        objects, summaries.length, out, problems);
    err.flush();
    return strict && problems > 0 ? ExitCodes.FAILURE : ExitCodes.OK;
  }
}
