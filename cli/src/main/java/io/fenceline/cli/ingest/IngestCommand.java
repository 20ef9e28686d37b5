package io.fenceline.cli.ingest;

import io.fenceline.broker.BrokerResolver;
import io.fenceline.cli.BadInputException;
import io.fenceline.cli.ExitCodes;
import io.fenceline.cli.GracefulStop;
import io.fenceline.cli.io.KafkaConnection;
import io.fenceline.cli.io.MetricsPort;
import io.fenceline.cli.io.PartitionOptions;
import io.fenceline.ingest.ClusterIngest;
import io.fenceline.ingest.ClusterSource;
import io.fenceline.ingest.EventPublisher;
import io.fenceline.ingest.FleetIngest;
import io.fenceline.ingest.IngestFencedException;
import io.fenceline.ingest.IngestMetrics;
import io.fenceline.ingest.IngestMonitor;
import io.fenceline.ingest.ManifestIngest;
import io.fenceline.ingest.ManifestReadException;
import io.fenceline.ingest.ManifestSnapshot;
import io.fenceline.ingest.PublisherFailedException;
import io.fenceline.kafka.health.Health;
import io.fenceline.kafka.health.HealthServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fenceline ingest}: clusters (kubeconfig contexts or in-cluster) or manifest files to
 * {@code fenceline.events}. Thin: the work is in the ingest module.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Publish cluster state to fenceline.events.",
      "Clusters: one watch per kind (Namespaces, Pods, NetworkPolicies, Nodes, and ClusterNetworkPolicies",
      "  where the cluster serves policy.networking.k8s.io/v1alpha2) per cluster, until stopped;",
      "  --context NAME (cluster id NAME) or --context NAME=ID, repeatable; without --context the",
      "  kubeconfig's current context; --in-cluster for the pod's service account.",
      "Files: --manifests PATH publishes a file or folder as the cluster's whole state (objects no longer",
      "  in the files are deleted) and exits 0 once the broker acknowledged; --watch republishes on change.",
      "Without --bootstrap-servers it uses the embedded broker of --data-dir, starting it if none runs."
    })
public final class IngestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--context",
      paramLabel = "NAME[=CLUSTER_ID]",
      description =
          "A kubeconfig context to ingest (repeatable); the cluster id is the context name unless given.")
  List<String> contexts = new ArrayList<>();

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Kubeconfig file (default: $KUBECONFIG or ~/.kube/config).")
  Path kubeconfig;

  @Option(names = "--in-cluster", description = "Use the service account of the pod this runs in.")
  boolean inCluster;

  @Option(
      names = "--cluster",
      paramLabel = "ID",
      description =
          "Cluster id for --manifests, --in-cluster or the current context (default: default; the context name for a context).")
  String cluster;

  @Option(
      names = "--manifests",
      paramLabel = "PATH",
      description = "Manifest file or folder (YAML/JSON, multi-document, List kinds).")
  Path manifests;

  @Option(
      names = "--watch",
      description = "With --manifests: keep running and republish when the files change.")
  boolean watch;

  @Option(
      names = "--timeout",
      defaultValue = "60",
      paramLabel = "SECONDS",
      description =
          "With --manifests: how long to wait for the broker's acknowledgement (default: ${DEFAULT-VALUE}); exit 3 after.")
  int timeoutSeconds;

  @Mixin PartitionOptions partitions;

  /** Clusters or --watch only: a one-off file ingest exits before anyone could scrape it. */
  @Mixin MetricsPort metricsPort;

  @Mixin KafkaConnection kafka;

  @Override
  public Integer call() throws Exception {
    validate();
    return manifests != null ? manifests() : clusters();
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    if (manifests != null && (!contexts.isEmpty() || inCluster || kubeconfig != null)) {
      throw new CommandLine.ParameterException(
          cl, "--manifests cannot be combined with --context, --in-cluster or --kubeconfig");
    }
    if (watch && manifests == null) {
      throw new CommandLine.ParameterException(
          cl, "--watch needs --manifests (clusters are always watched)");
    }
    if (inCluster && (!contexts.isEmpty() || kubeconfig != null)) {
      throw new CommandLine.ParameterException(
          cl, "--in-cluster cannot be combined with --context or --kubeconfig");
    }
    if (cluster != null && !contexts.isEmpty()) {
      throw new CommandLine.ParameterException(
          cl, "--cluster does not apply to --context: use --context NAME=CLUSTER_ID");
    }
    if (cluster != null && (cluster.isBlank() || cluster.contains("/"))) {
      throw new CommandLine.ParameterException(
          cl, "--cluster must be non-empty and contain no '/'");
    }
    if (metricsPort.enabled() && manifests != null && !watch) {
      throw new CommandLine.ParameterException(
          cl, "--metrics-port needs a running ingest: clusters, or --manifests with --watch");
    }
    if (timeoutSeconds <= 0) {
      throw new CommandLine.ParameterException(cl, "--timeout must be positive");
    }
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }

  private void say(String line) {
    err().println(line);
    err().flush();
  }

  // ---- files ---------------------------------------------------------------------------------

  private int manifests() throws Exception {
    String id = cluster == null ? "default" : cluster;
    ManifestSnapshot snapshot;
    try {
      snapshot =
          ManifestSnapshot.read(
              manifests); // before any broker is touched: bad input publishes nothing
    } catch (ManifestReadException e) {
      throw new BadInputException(e.getMessage());
    }
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    try (GracefulStop stop = newStop();
        BrokerResolver.Resolved broker = kafka.resolve(true);
        IngestMonitor monitor = new IngestMonitor()) {
      kafka.ensureTopics(broker.bootstrapServers(), partitions.layout());
      EventPublisher publisher =
          watch
              ? monitor.startPublisher(id, broker.bootstrapServers(), kafka.clientProperties())
              : EventPublisher.start(
                  id,
                  broker.bootstrapServers(),
                  IngestMetrics.counting(),
                  kafka.clientProperties());
      HealthServer health = null;
      try {
        health =
            metricsPort.serve(
                () -> publisherHealth(publisher),
                () -> publisherHealth(publisher),
                monitor::scrape);
        if (health != null) {
          say("fenceline ingest: /healthz, /livez and /metrics on port " + health.port());
        }
        ManifestIngest ingest =
            new ManifestIngest(manifests, id, publisher, Clock.systemUTC(), this::say);
        if (!watch) {
          ManifestIngest.Published p = ingest.publish(snapshot, timeout);
          say(
              "published "
                  + describe(p)
                  + " of "
                  + manifests
                  + " to cluster "
                  + id
                  + " at "
                  + broker.bootstrapServers()
                  + " (generation "
                  + p.generation()
                  + ", committed)");
          return ExitCodes.OK;
        }
        stop.listen();
        say("fenceline ingest: watching " + manifests + " for cluster " + id + " (Ctrl-C to stop)");
        ingest.watch(Duration.ofSeconds(1), timeout, stop::requested);
        return ExitCodes.OK;
      } catch (ManifestReadException e) {
        throw new BadInputException(e.getMessage());
      } catch (TimeoutException e) {
        say("fenceline ingest: " + e.getMessage());
        return ExitCodes.TIMEOUT;
      } catch (IngestFencedException e) {
        say("fenceline ingest: cluster " + id + ": " + e.getMessage());
        return ExitCodes.FAILURE;
      } catch (PublisherFailedException e) {
        say(
            "fenceline ingest: "
                + e.getMessage()); // names the cluster, the object and what Kafka said
        return ExitCodes.FAILURE;
      } finally {
        if (health != null) {
          health.close();
        }
        publisher.close(Duration.ofSeconds(10));
      }
    }
  }

  /**
   * Ctrl-C / SIGTERM as an orderly stop: the shutdown hook asks the command to stop and waits (up
   * to 15 s) until it has sent what was pending, so the JVM does not exit in the middle of a
   * transaction.
   */
  private static GracefulStop newStop() {
    return new GracefulStop("fenceline-ingest-stop", Duration.ofSeconds(15));
  }

  /** A file ingest is ready and live while its publisher has not stopped (fenced or failed). */
  private static Health publisherHealth(EventPublisher publisher) {
    if (!publisher.failure().isDone()) {
      return Health.up();
    }
    Throwable t = publisher.failure().handle((v, e) -> e).join();
    return Health.down("the publisher stopped" + (t == null ? "" : ": " + t.getMessage()));
  }

  private static String describe(ManifestIngest.Published p) {
    int total = p.objectsByKind().values().stream().mapToInt(Integer::intValue).sum();
    return total + " objects " + p.objectsByKind();
  }

  // ---- clusters ------------------------------------------------------------------------------

  private int clusters() throws Exception {
    List<ClusterSource> sources = new ArrayList<>();
    try {
      if (inCluster) {
        sources.add(ClusterSource.inCluster(cluster == null ? "default" : cluster));
      } else if (contexts.isEmpty()) {
        sources.add(ClusterSource.currentContext(kubeconfig, cluster));
      } else {
        for (String c : contexts) {
          sources.add(ClusterSource.context(c, kubeconfig));
        }
      }
    } catch (ClusterSource.SourceException | IllegalArgumentException e) {
      throw new BadInputException("fenceline ingest: " + e.getMessage());
    }
    try (GracefulStop stop = newStop();
        BrokerResolver.Resolved broker = kafka.resolve(true);
        IngestMonitor monitor = new IngestMonitor()) {
      IngestMetrics metrics = monitor.metrics();
      kafka.ensureTopics(broker.bootstrapServers(), partitions.layout());
      FleetIngest fleet;
      try {
        fleet =
            FleetIngest.start(
                sources,
                broker.bootstrapServers(),
                metrics,
                Clock.systemUTC(),
                kafka.clientProperties(),
                monitor);
      } catch (IllegalArgumentException e) {
        throw new BadInputException("fenceline ingest: " + e.getMessage());
      }
      HealthServer health = null;
      try {
        health =
            metricsPort.serve(
                () -> Health.of(fleet.notReady()),
                () -> fleet.failure().isDone() ? Health.of(fleet.notReady()) : Health.up(),
                monitor::scrape);
        if (health != null) {
          say("fenceline ingest: /healthz, /livez and /metrics on port " + health.port());
        }
        stop.listen();
        for (ClusterSource s : sources) {
          say(
              "fenceline ingest: cluster "
                  + s.clusterId()
                  + " from "
                  + s.description()
                  + " at "
                  + s.config().getMasterUrl());
        }
        fleet.failure().whenComplete((v, t) -> stop.request());
        if (fleet.awaitSynced(Duration.ofMinutes(5)) && !fleet.failure().isDone()) {
          say(
              "fenceline ingest: listed and watching "
                  + sources.size()
                  + " cluster(s); publishing to "
                  + broker.bootstrapServers()
                  + " (Ctrl-C to stop)");
        }
        stop.await();
        if (fleet.failure().isCompletedExceptionally()) {
          Throwable t = fleet.failure().handle((v, e) -> e).get();
          say(
              "fenceline ingest: "
                  + (t.getCause() != null && t instanceof java.util.concurrent.CompletionException
                      ? t.getCause().getMessage()
                      : t.getMessage()));
          return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
      } catch (ExecutionException e) {
        say("fenceline ingest: " + e.getCause().getMessage());
        return ExitCodes.FAILURE;
      } finally {
        if (health != null) {
          health.close();
        }
        fleet.close(Duration.ofSeconds(10));
        IngestMetrics.Snapshot s = metrics.snapshot();
        for (ClusterIngest c : fleet.clusters()) {
          say(
              "fenceline ingest: cluster "
                  + c.cluster()
                  + ": "
                  + s.publishedTotal(c.cluster())
                  + " events published, "
                  + s.suppressedTotal(c.cluster())
                  + " unchanged updates suppressed");
        }
      }
    }
  }
}
