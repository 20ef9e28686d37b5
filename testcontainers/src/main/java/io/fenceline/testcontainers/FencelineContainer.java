package io.fenceline.testcontainers;

import com.github.dockerjava.api.model.Capability;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * fenceline's whole pipeline in one container: file ingest of the manifests you give it, the
 * engine, and one applier per node ({@code fenceline up}), on the image's embedded Kafka broker or
 * on a {@link KafkaContainer} you pass in. {@link #start()} returns once every node converged (the
 * engine committed the last event and every node's applier reported it applied the newest facts).
 *
 * <p>By default the manifests' nodes and pods are built as network namespaces inside the container
 * ({@code up --netns}): the appliers program real netfilter in the node namespaces and every pod
 * runs a probe agent, so {@link #canConnect} makes a real connection attempt. That needs the
 * capabilities NET_ADMIN, NET_RAW, NET_BIND_SERVICE and SYS_ADMIN (creating network namespaces and
 * {@code ip netns}' mounts; every other capability is dropped) and a writable /proc/sys (remounted
 * by the container's own shell). {@link #withDryRun()} instead writes each node's payload to files
 * and needs no capability, but cannot connect.
 *
 * <p>The image: {@link FencelineImage#name()} (system property {@code fenceline.image}).
 */
public class FencelineContainer extends GenericContainer<FencelineContainer> {
  static final String MANIFESTS = "/manifests";
  static final String OUT = "/out";
  static final Duration DEFAULT_STARTUP = Duration.ofSeconds(180);
  private static final List<String> PAYLOAD_FILES =
      List.of("ipset.restore", "iptables.restore", "ip6tables.restore");

  private final ManifestSet manifests = new ManifestSet();
  private final TreeSet<Integer> extraPorts = new TreeSet<>(List.of(80, 81));
  private Duration convergeTimeout = DEFAULT_STARTUP;
  private boolean dryRun;
  private String bootstrapServers;
  private ContainerCli cli;
  private final java.util.concurrent.atomic.AtomicInteger whatifRuns =
      new java.util.concurrent.atomic.AtomicInteger();
  private NetnsProbes probes;
  private long startedMillis = -1;

  /** The image of {@link FencelineImage#name()}. */
  public FencelineContainer() {
    this(FencelineImage.name());
  }

  public FencelineContainer(DockerImageName image) {
    super(image);
  }

  /** How long {@link #start()} waits for every node to converge (default 180 s). */
  public FencelineContainer withConvergeTimeout(Duration timeout) {
    this.convergeTimeout = timeout;
    return this;
  }

  /** A manifest file (YAML or JSON, multi-document, {@code List} kinds) or a folder of them. */
  public FencelineContainer withManifests(Path fileOrFolder) {
    manifests.addPath(fileOrFolder);
    return this;
  }

  /** A classpath resource: a manifest file or a folder of them (in a folder or a jar). */
  public FencelineContainer withManifestsFromClasspath(String resource) {
    manifests.addClasspathResource(resource);
    return this;
  }

  /** fabric8 model objects (Namespaces, Pods with status.podIP, Nodes, NetworkPolicies ...). */
  public FencelineContainer withObjects(HasMetadata... objects) {
    return withObjects(Arrays.asList(objects));
  }

  public FencelineContainer withObjects(List<? extends HasMetadata> objects) {
    manifests.addObjects(objects);
    return this;
  }

  /**
   * Ports the pods' probe agents serve besides the ones the manifests name (every containerPort and
   * numeric policy port) and 80, 81: only served ports can be probed.
   */
  public FencelineContainer withProbePorts(int... ports) {
    Arrays.stream(ports).forEach(extraPorts::add);
    return this;
  }

  /** Payload files instead of network namespaces: no capability needed, no connection attempts. */
  public FencelineContainer withDryRun() {
    this.dryRun = true;
    return this;
  }

  /**
   * Use this Kafka instead of the embedded broker. It must share a {@link
   * org.testcontainers.containers.Network} with this container ({@code kafka.withNetwork(net)}),
   * and {@code bootstrapServers} must be its listener on that network, e.g. {@code kafka:19092}
   * from {@code kafka.withNetworkAliases("kafka").withListener("kafka:19092")}.
   */
  public FencelineContainer withKafka(KafkaContainer kafka, String bootstrapServers) {
    if (kafka.getNetwork() == null) {
      throw new IllegalArgumentException(
          "the KafkaContainer needs a Network shared with fenceline: kafka.withNetwork(net)"
              + ".withNetworkAliases(\"kafka\").withListener(\"kafka:19092\")");
    }
    this.bootstrapServers = bootstrapServers;
    withNetwork(kafka.getNetwork());
    dependsOn(kafka);
    return this;
  }

  @Override
  protected void configure() {
    if (manifests.isEmpty()) {
      throw new IllegalStateException(
          "no manifests: use withManifests, withManifestsFromClasspath or withObjects");
    }
    for (Map.Entry<String, byte[]> f : manifests.files().entrySet()) {
      withCopyToContainer(Transferable.of(f.getValue()), MANIFESTS + "/" + f.getKey());
    }
    List<String> up = new ArrayList<>(List.of("up", "--manifests", MANIFESTS));
    up.addAll(dryRun ? List.of("--dry-run", OUT) : List.of("--netns"));
    up.addAll(List.of("--timeout", Long.toString(convergeTimeout.toSeconds())));
    up.addAll(brokerArgs());
    if (dryRun) {
      setCommand(up.toArray(String[]::new));
    } else {
      // /proc/sys is read-only in a container: the namespaces' sysctls need it writable
      List<String> shell =
          new ArrayList<>(
              List.of(
                  "bash",
                  "-c",
                  "mount -o remount,rw /proc/sys && exec java -Dfenceline.agent.ports="
                      + servedPorts().stream().map(String::valueOf).collect(Collectors.joining(","))
                      + " -jar "
                      + ContainerCli.JAR
                      + " \"$@\"",
                  "fenceline"));
      shell.addAll(up);
      withCreateContainerCmdModifier(
          cmd -> {
            cmd.withEntrypoint(shell.toArray(String[]::new)).withCmd(List.of());
            cmd.getHostConfig()
                .withCapDrop(Capability.ALL)
                .withCapAdd(
                    Capability.NET_ADMIN,
                    Capability.NET_RAW,
                    Capability.NET_BIND_SERVICE,
                    Capability.SYS_ADMIN);
          });
    }
    waitingFor(
        Wait.forLogMessage(".*fenceline up: converged in .*", 1)
            .withStartupTimeout(convergeTimeout));
  }

  @Override
  public void start() {
    long t0 = System.currentTimeMillis();
    super.start();
    startedMillis = System.currentTimeMillis() - t0;
    cli = new ContainerCli(this);
    probes = dryRun ? null : new NetnsProbes(cli, servedPorts());
  }

  /** How long {@link #start()} took, until every node converged (ms); -1 before. */
  public long startMillis() {
    return startedMillis;
  }

  /** The ports the pods' agents serve: the manifests' ports, 80, 81 and withProbePorts. */
  public TreeSet<Integer> servedPorts() {
    TreeSet<Integer> ports = manifests.ports();
    ports.addAll(extraPorts);
    return ports;
  }

  /** {@code fenceline explain} for a flow now (pods as namespace/name, or IPs), typed. */
  public Explanation explain(String from, String to, int port, Protocol protocol) {
    return Explanation.parse(runExplain(from, to, port, protocol, "json"), null);
  }

  /**
   * As {@link #explain}, with explain's own words (its table output) in {@link Explanation#text()}.
   */
  public Explanation explainWithText(String from, String to, int port, Protocol protocol) {
    return explain(from, to, port, protocol)
        .withText(runExplain(from, to, port, protocol, "table").strip());
  }

  /**
   * {@code fenceline whatif}: the connections a proposal would change against the state this
   * container enforces now. {@code proposal} is a manifest file or folder (its objects replace or
   * add to the running ones); {@code deletions} are objects to remove, as {@code
   * NetworkPolicy/shop/db} or {@code Namespace/shop}.
   */
  public WhatIfResult whatif(Path proposal, String... deletions) {
    ManifestSet m = new ManifestSet();
    m.addPath(proposal);
    return runWhatif(m, deletions);
  }

  /** As {@link #whatif(Path, String...)}, the proposal a classpath resource (file or folder). */
  public WhatIfResult whatifFromClasspath(String proposal, String... deletions) {
    ManifestSet m = new ManifestSet();
    m.addClasspathResource(proposal);
    return runWhatif(m, deletions);
  }

  /** As {@link #whatif(Path, String...)}, the proposal fabric8 model objects. */
  public WhatIfResult whatif(List<? extends HasMetadata> proposal, String... deletions) {
    ManifestSet m = new ManifestSet();
    m.addObjects(proposal);
    return runWhatif(m, deletions);
  }

  /** As {@link #whatif(Path, String...)} with deletions only. */
  public WhatIfResult whatifDeleting(String... deletions) {
    return runWhatif(new ManifestSet(), deletions);
  }

  private WhatIfResult runWhatif(ManifestSet proposal, String... deletions) {
    requireStarted();
    if (proposal.isEmpty() && deletions.length == 0) {
      throw new IllegalArgumentException("nothing proposed: give a proposal or deletions");
    }
    String dir = "/tmp/fenceline-whatif-" + whatifRuns.incrementAndGet();
    List<String> args = new ArrayList<>(List.of("whatif", "-o", "json", "--max-examples", "20"));
    if (!proposal.isEmpty()) {
      for (Map.Entry<String, byte[]> f : proposal.files().entrySet()) {
        copyFileToContainer(Transferable.of(f.getValue()), dir + "/" + f.getKey());
      }
      args.addAll(List.of("--manifests", dir));
    }
    for (String d : deletions) {
      args.addAll(List.of("--delete", d));
    }
    args.addAll(brokerArgs());
    ExecResult r = cli.fenceline(args);
    if (r.getExitCode() != 0 && r.getExitCode() != 1) {
      throw new IllegalStateException(
          "fenceline whatif failed (exit " + r.getExitCode() + "): " + r.getStderr().strip());
    }
    return WhatIfResult.parse(r.getStdout());
  }

  /** A real connection attempt from one pod to another (network namespace mode only). */
  public Connection canConnect(String from, String to, int port, Protocol protocol) {
    return requireProbes().probe(from, to, port, protocol);
  }

  /** Every pod to every other pod, on each port, over TCP. */
  public ConnectivityMatrix connectivityMatrix(int... ports) {
    return connectivityMatrix(Protocol.TCP, ports);
  }

  public ConnectivityMatrix connectivityMatrix(Protocol protocol, int... ports) {
    NetnsProbes p = requireProbes();
    List<Connection> flows = new ArrayList<>();
    for (String from : p.pods().keySet()) {
      for (String to : p.pods().keySet()) {
        if (!from.equals(to)) {
          for (int port : ports) {
            flows.add(new Connection(from, to, port, protocol, false, ""));
          }
        }
      }
    }
    return new ConnectivityMatrix(p.probeAll(flows));
  }

  /** The pods that have a network namespace (namespace/name). */
  public List<String> pods() {
    return List.copyOf(new TreeSet<>(requireProbes().pods().keySet()));
  }

  /** What a node enforces now (the {@code compile} contract's three files). */
  public NodePayload payload(String node) {
    requireStarted();
    String dir;
    if (dryRun) {
      dir = OUT + "/" + node;
    } else {
      dir = "/tmp/fenceline-rules";
      List<String> args = new ArrayList<>(List.of("rules", "--node", node, "--out", dir));
      args.addAll(brokerArgs());
      ExecResult r = cli.fenceline(args);
      if (r.getExitCode() != 0) {
        throw new IllegalStateException(
            "fenceline rules --node "
                + node
                + " failed (exit "
                + r.getExitCode()
                + "): "
                + r.getStderr());
      }
      dir = dir + "/" + node;
    }
    List<String> texts = new ArrayList<>();
    for (String f : PAYLOAD_FILES) {
      texts.add(cli.bash("cat " + dir + "/" + f + " 2>/dev/null || true"));
    }
    return new NodePayload(node, texts.get(0), texts.get(1), texts.get(2));
  }

  private String runExplain(String from, String to, int port, Protocol protocol, String output) {
    requireStarted();
    List<String> args =
        new ArrayList<>(
            List.of(
                "explain",
                "--from",
                from,
                "--to",
                to,
                "--port",
                port + "/" + protocol,
                "-o",
                output));
    args.addAll(brokerArgs());
    ExecResult r = cli.fenceline(args);
    if (r.getExitCode() != 0 && r.getExitCode() != 4) {
      throw new IllegalStateException(
          "fenceline explain failed (exit " + r.getExitCode() + "): " + r.getStderr().strip());
    }
    return r.getStdout();
  }

  private List<String> brokerArgs() {
    return bootstrapServers == null ? List.of() : List.of("--bootstrap-servers", bootstrapServers);
  }

  private NetnsProbes requireProbes() {
    requireStarted();
    if (probes == null) {
      throw new IllegalStateException(
          "connection attempts need the network namespaces: this container runs withDryRun()");
    }
    return probes;
  }

  private void requireStarted() {
    if (cli == null) {
      throw new IllegalStateException("the fenceline container is not started");
    }
  }
}
