package io.fenceline.cli.demo;

import io.fenceline.broker.DataDirs;
import io.fenceline.cli.compile.NodeSummary;
import io.fenceline.cli.io.ManifestFiles;
import io.fenceline.cli.up.UpCommand;
import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.explain.FlowExplainer;
import io.fenceline.core.explain.SideWords;
import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.render.NodePayload;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fenceline demo}: the seed example through the whole pipeline, explained. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the seed article's example (examples/) through the whole pipeline — embedded broker,",
      "file ingest, engine, one applier per node (dry run) — and show what happened: per-node",
      "summary, two flows explained, and where the payloads are."
    })
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--examples",
      paramLabel = "PATH",
      description = "Default: examples/ in the repository root.")
  Path examples;

  @Option(
      names = "--netns",
      description = "Also enforce in network namespaces (root) and print a probe matrix.")
  boolean netns;

  @Override
  public Integer call() throws Exception {
    Path root = Path.of(System.getProperty("fenceline.root", "."));
    Path manifests = examples == null ? root.resolve("examples") : examples;
    Path data = DataDirs.defaultDataDir().resolve("demo");
    Path payloads = data.resolve("payloads");
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "fenceline demo: the seed article's NetworkPolicy and a ClusterNetworkPolicy in front of it ("
            + manifests
            + ") through the pipeline");
    out.flush();
    UpCommand up = new UpCommand();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--manifests",
                manifests.toString(),
                "--data-dir",
                data.toString(),
                "--exit-when-converged",
                "--timeout",
                "180"));
    if (netns) {
      // The probe agents serve the example's ports too.
      System.setProperty(io.fenceline.sandbox.ProbeAgent.PORTS_PROPERTY, "80,81,6379,5978");
      args.add("--netns");
      up.afterConverged = sandbox -> ProbeTable.print(out, sandbox.lab, 6379);
    } else {
      args.addAll(List.of("--dry-run", payloads.toString()));
    }
    int rc =
        new CommandLine(up)
            .setOut(out)
            .setErr(spec.commandLine().getErr())
            .execute(args.toArray(String[]::new));
    if (rc != 0) {
      return rc;
    }
    DecodedObjects decoded = Manifests.decode(ManifestFiles.read(manifests));
    CompiledCluster compiled = CompiledCluster.fromScratch(Manifests.asUpserts(decoded));
    out.println();
    out.println("What each node enforces" + (netns ? ":" : " (payloads written by the appliers):"));
    List<NodeSummary> rows = new ArrayList<>();
    for (String node : compiled.nodes()) {
      NodePayload p = compiled.payload(node);
      rows.add(
          NodeSummary.of(
              compiled.nodeModel(node),
              p,
              netns ? Path.of("(network namespace)") : payloads.resolve(node)));
    }
    NodeSummary.printTable(out, rows);

    List<ClusterObject> state =
        decoded.objects().stream().map(DecodedObjects.Located::object).toList();
    FlowExplainer explainer = new FlowExplainer(state);
    out.println();
    explain(out, explainer, "default/frontend-0", "default/db-0", 6379);
    explain(out, explainer, "other/client-0", "default/db-0", 6379);
    if (!netns) {
      out.println();
      out.println(
          "Apply a node's payload as root: cd "
              + payloads.resolve("node-1")
              + " && ipset restore < ipset.restore && iptables-restore --noflush < iptables.restore");
    }
    out.flush();
    return 0;
  }

  private static void explain(PrintWriter out, FlowExplainer e, String from, String to, int port) {
    FlowExplainer.Explanation x =
        e.explain(e.endpoint(from, 4), e.endpoint(to, 4), Protocol.TCP, port);
    out.printf("%s -> %s tcp/%d: %s%n", from, to, port, x.allowed() ? "ALLOWED" : "DENIED");
    out.println("  " + SideWords.of("egress ", x.egress(), x.src().pod()));
    out.println("  " + SideWords.of("ingress", x.ingress(), x.dst().pod()));
  }
}
