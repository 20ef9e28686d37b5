package io.fenceline.cli.up;

import io.fenceline.cli.BadInputException;
import io.fenceline.cli.ExitCodes;
import io.fenceline.cli.GracefulStop;
import io.fenceline.cli.io.BrokerAddress;
import io.fenceline.cli.io.ManifestFiles;
import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.manifest.Manifests;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fenceline up}: the whole pipeline in one process on a manifest path. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole pipeline in one process: the broker (embedded unless --bootstrap-servers), the",
      "engine, file ingest of --manifests as cluster 'default', and one applier per node of the",
      "manifests. --dry-run DIR writes each node's payload to DIR/<node>/ (the `compile` contract).",
      "It never touches this host's firewall. --exit-when-converged exits 0 once every node applied",
      "the last published state, or 3 with the reason after --timeout."
    })
public final class UpCommand implements Callable<Integer> {
  @Option(names = "--manifests", required = true, paramLabel = "PATH")
  Path manifests;

  @Option(
      names = "--dry-run",
      paramLabel = "DIR",
      description = "Write payloads here instead of programming a kernel.")
  Path dryRun;

  @Option(
      names = "--netns",
      description = "Enforce in network namespaces built for the manifests' nodes and pods (root).")
  boolean netns;

  @Option(names = "--exit-when-converged")
  boolean exitWhenConverged;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      paramLabel = "SECONDS",
      description = "Default: ${DEFAULT-VALUE}.")
  long timeoutSeconds;

  @Mixin BrokerAddress broker;

  /** For {@code demo}: runs after convergence, with the sandbox when --netns. */
  public java.util.function.Consumer<NetnsCluster> afterConverged;

  @Override
  public Integer call() throws Exception {
    if (netns == (dryRun != null)) {
      throw new BadInputException(
          "fenceline up needs exactly one of --dry-run DIR or --netns (it refuses to touch this host's firewall)");
    }
    // Read the manifests first: bad input exits 2 before anything starts.
    var decoded = Manifests.decode(ManifestFiles.read(manifests));
    var nodes = CompiledCluster.fromScratch(Manifests.asUpserts(decoded)).nodes();
    Instant started = Instant.now();
    NetnsCluster sandbox = netns ? NetnsCluster.start(decoded, nodes) : null;
    Pipeline.Targets targets = sandbox != null ? sandbox.targets() : Pipeline.dryRun(dryRun);
    try (GracefulStop stop = new GracefulStop("fenceline-up-stop", Duration.ofSeconds(60))) {
      stop.register(sandbox);
      Pipeline p =
          stop.register(
              new Pipeline(
                  broker,
                  manifests,
                  "default",
                  nodes,
                  targets,
                  msg -> System.err.println("fenceline up: " + msg)));
      String why = p.awaitConverged(started.plusSeconds(timeoutSeconds));
      if (why != null) {
        System.err.println("fenceline up: not converged after " + timeoutSeconds + " s: " + why);
        if (exitWhenConverged) {
          return ExitCodes.TIMEOUT;
        }
      } else {
        System.err.printf(
            "fenceline up: converged in %.1f s: %d nodes applied the manifests' state (%s)%n",
            Duration.between(started, Instant.now()).toMillis() / 1000.0,
            nodes.size(),
            targets.describe());
        if (afterConverged != null) {
          afterConverged.accept(sandbox);
        } else if (dryRun != null) {
          System.out.println(dryRun.toAbsolutePath());
        }
        System.out.flush();
        if (exitWhenConverged) {
          return ExitCodes.OK;
        }
      }
      System.err.println("fenceline up: watching " + manifests + " for changes (Ctrl-C to stop)");
      stop.listen();
      p.ingest().watch(Duration.ofSeconds(1), Duration.ofSeconds(60), stop::requested);
    }
    return ExitCodes.OK;
  }
}
