package io.fenceline.cli.up;

import io.fenceline.applier.Applier;
import io.fenceline.applier.ApplierConfig;
import io.fenceline.applier.kernel.DryRunNetfilter;
import io.fenceline.applier.status.ConvergenceCheck;
import io.fenceline.broker.BrokerResolver;
import io.fenceline.cli.io.BrokerAddress;
import io.fenceline.cli.io.PayloadWriter;
import io.fenceline.core.render.PayloadText;
import io.fenceline.engine.Engine;
import io.fenceline.engine.EngineConfig;
import io.fenceline.ingest.EventPublisher;
import io.fenceline.ingest.IngestMetrics;
import io.fenceline.ingest.ManifestIngest;
import io.fenceline.kafka.topics.TopicAdmin;
import io.fenceline.kafka.topics.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The whole pipeline in one process: a broker (the embedded one unless given), the engine, the file
 * ingest of a manifest path as one cluster, and one dry-run applier per node. Converged means the
 * engine processed every event (the ingest's last generation end marker included) and every node's
 * receipt says it applied its partition to the end ({@link ConvergenceCheck}).
 */
final class Pipeline implements AutoCloseable {
  static final String ENGINE_APP = "fenceline-engine";

  private final BrokerResolver.Resolved broker;
  private final Engine engine;
  private final EventPublisher publisher;
  private final List<Applier> appliers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final ConvergenceCheck convergence;
  private final String cluster;
  private final Collection<String> nodes;
  private final ManifestIngest ingest;

  /** Where each node's applier applies: a kernel port per node and what to do after each apply. */
  interface Targets {
    io.fenceline.applier.kernel.Netfilter netfilter(String node);

    void applied(String node, io.fenceline.core.render.RenderedNode rendered);

    String describe();
  }

  /** Dry run: each node's payload files in {@code dir/<node>/}, deltas under {@code deltas/}. */
  static Targets dryRun(Path dir) {
    return new Targets() {
      @Override
      public io.fenceline.applier.kernel.Netfilter netfilter(String node) {
        return new DryRunNetfilter(dir.resolve(node));
      }

      @Override
      public void applied(String node, io.fenceline.core.render.RenderedNode rendered) {
        PayloadWriter.writeNode(dir, PayloadText.full(rendered));
      }

      @Override
      public String describe() {
        return "dry run into " + dir;
      }
    };
  }

  Pipeline(
      BrokerAddress address,
      Path manifests,
      String cluster,
      Collection<String> nodes,
      Targets targets,
      Consumer<String> progress)
      throws Exception {
    this.cluster = cluster;
    this.nodes = nodes;
    Path dataDir = address.dataDir();
    progress.accept("starting the broker");
    broker = address.resolve(true);
    Topics.Layout layout = Topics.Layout.defaults();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      TopicAdmin.ensure(admin, layout.specs());
    }
    progress.accept("starting the engine");
    engine =
        Engine.start(
            new EngineConfig(
                broker.bootstrapServers(),
                ENGINE_APP,
                dataDir.resolve("engine-state"),
                layout,
                Map.of()));
    progress.accept("starting " + nodes.size() + " appliers (" + targets.describe() + ")");
    for (String node : nodes) {
      Applier a =
          new Applier(
              new ApplierConfig(
                  cluster,
                  node,
                  broker.bootstrapServers(),
                  Duration.ofSeconds(30),
                  Duration.ofSeconds(10),
                  -1),
              targets.netfilter(node),
              Clock.systemUTC(),
              rendered -> targets.applied(node, rendered));
      Thread t = new Thread(a, "applier-" + node);
      t.setDaemon(true);
      t.start();
      appliers.add(a);
      threads.add(t);
    }
    publisher =
        EventPublisher.start(
            cluster, broker.bootstrapServers(), IngestMetrics.counting(), Map.of());
    ingest = new ManifestIngest(manifests, cluster, publisher, Clock.systemUTC(), progress);
    progress.accept("publishing " + manifests + " as cluster " + cluster);
    ingest.publishOnce(Duration.ofSeconds(60));
    convergence = new ConvergenceCheck(broker.bootstrapServers(), ENGINE_APP);
  }

  String bootstrapServers() {
    return broker.bootstrapServers();
  }

  ManifestIngest ingest() {
    return ingest;
  }

  /** Null once converged before the deadline, else why not. */
  String awaitConverged(Instant deadline) throws Exception {
    String why = convergence.whyNot(cluster, nodes);
    while (why != null && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      why = convergence.whyNot(cluster, nodes);
    }
    return why;
  }

  @Override
  public void close() throws Exception {
    appliers.forEach(Applier::close);
    for (Thread t : threads) {
      t.join(10_000);
    }
    convergence.close();
    publisher.close();
    engine.close();
    broker.close();
  }
}
