package io.fenceline.it.conformance;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pipeline of the chaos run as separate processes, each started, killed (SIGKILL) and restarted
 * on its own: the broker ({@code fenceline kafka --data-dir}), the engine ({@code fenceline
 * engine}), file ingest ({@code fenceline ingest --manifests DIR --watch}) and one applier per node
 * ({@code fenceline applier --netns}).
 */
final class ChaosPipeline implements AutoCloseable {
  static final String CLUSTER = "default";
  static final String ENGINE_APP = "fenceline-chaos-engine";
  static final int EVENT_PARTITIONS = 2;
  static final int NODE_FACT_PARTITIONS = 4;
  private static final Pattern ADDRESS = Pattern.compile("(?m)^(127\\.0\\.0\\.1:\\d+)$");

  private final Path dir;
  private final Path logs;
  private final Path manifests;
  private final Map<String, String> nodeNamespaces;
  private FencelineProcess broker;
  private FencelineProcess engine;
  private FencelineProcess ingest;
  private final Map<String, ApplierProcess> appliers = new LinkedHashMap<>();
  private String bootstrap;

  /**
   * {@code dir}: data of the broker and the engine; {@code logs}: where each process's stdout and
   * log go; {@code manifests}: the folder ingest watches; {@code nodeNamespaces}: node name → its
   * network namespace.
   */
  ChaosPipeline(Path dir, Path logs, Path manifests, Map<String, String> nodeNamespaces)
      throws IOException {
    this.dir = dir;
    this.logs = Files.createDirectories(logs);
    this.manifests = manifests;
    this.nodeNamespaces = Map.copyOf(nodeNamespaces);
  }

  String bootstrap() {
    return bootstrap;
  }

  Path logs() {
    return logs;
  }

  /** Starts the broker and waits for its address; a restart must come back at the same address. */
  void startBroker() throws IOException {
    FencelineProcess p =
        FencelineProcess.start(
            "kafka",
            logs,
            "768m",
            Map.of(),
            List.of("kafka", "--data-dir", dir.resolve("broker").toString()));
    broker = p;
    String address = awaitBrokerAddress(p);
    if (bootstrap != null && !bootstrap.equals(address)) {
      throw new AssertionError("the restarted broker moved from " + bootstrap + " to " + address);
    }
    bootstrap = address;
  }

  /**
   * Waits (at most 3 minutes) until a {@code fenceline kafka} process prints its address on stdout,
   * and returns it; fails if the process exits first.
   */
  static String awaitBrokerAddress(FencelineProcess p) {
    String[] address = new String[1];
    await("the broker's address on stdout")
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!p.alive()) {
                throw new AssertionError(
                    "the broker exited with " + p.stdout() + "\n" + p.logTail(40));
              }
              Matcher m = ADDRESS.matcher(p.stdout());
              if (m.find()) {
                address[0] = m.group(1);
                return true;
              }
              return false;
            });
    return address[0];
  }

  void killBroker() throws InterruptedException {
    broker.kill();
  }

  /**
   * Starts the engine, a static member of its consumer group by default (its instance id derived
   * from the state dir, the same across restarts, so a restarted engine takes its tasks back at
   * once). The system property {@code chaos.engineGroupInstanceId} names the id instead ({@code
   * group.instance.id} through {@code --kafka-config}).
   */
  void startEngine() throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "engine",
                "--bootstrap-servers",
                bootstrap,
                "--state-dir",
                dir.resolve("engine-state").toString(),
                "--application-id",
                ENGINE_APP,
                "--event-partitions",
                Integer.toString(EVENT_PARTITIONS),
                "--node-facts-partitions",
                Integer.toString(NODE_FACT_PARTITIONS)));
    String instanceId = System.getProperty("chaos.engineGroupInstanceId");
    if (instanceId != null && !instanceId.isBlank()) {
      Path config =
          Files.writeString(
              dir.resolve("engine-kafka.properties"), "group.instance.id=" + instanceId + "\n");
      args.addAll(List.of("--kafka-config", config.toString()));
    }
    engine = FencelineProcess.start("engine", logs, "512m", Map.of(), args);
  }

  void killEngine() throws InterruptedException {
    engine.kill();
  }

  void startIngest() throws IOException {
    ingest =
        FencelineProcess.start(
            "ingest",
            logs,
            "256m",
            Map.of(),
            List.of(
                "ingest",
                "--manifests",
                manifests.toString(),
                "--cluster",
                CLUSTER,
                "--watch",
                "--bootstrap-servers",
                bootstrap,
                "--event-partitions",
                Integer.toString(EVENT_PARTITIONS),
                "--node-facts-partitions",
                Integer.toString(NODE_FACT_PARTITIONS)));
  }

  void killIngest() throws InterruptedException {
    ingest.kill();
  }

  void startApplier(String node) throws IOException {
    appliers.put(
        node,
        ApplierProcess.start(node, CLUSTER, bootstrap, nodeNamespaces.get(node), logs, Map.of()));
  }

  void killApplier(String node) throws InterruptedException {
    appliers.get(node).kill();
  }

  /**
   * Names of the processes that died on their own (not killed by the run), with their last log
   * lines.
   */
  List<String> deadProcesses() {
    List<String> dead = new ArrayList<>();
    for (FencelineProcess p : new FencelineProcess[] {broker, engine, ingest}) {
      if (p != null && !p.alive()) {
        dead.add(p.logTail(30));
      }
    }
    appliers.forEach(
        (node, a) -> {
          if (!a.alive()) {
            dead.add(a.logTail(30));
          }
        });
    return dead;
  }

  @Override
  public void close() throws InterruptedException {
    for (ApplierProcess a : appliers.values()) {
      a.close();
    }
    for (FencelineProcess p : new FencelineProcess[] {ingest, engine, broker}) {
      if (p != null) {
        p.stop(30);
      }
    }
  }
}
