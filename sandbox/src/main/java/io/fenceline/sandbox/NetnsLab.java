package io.fenceline.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A simulated Kubernetes cluster made of network namespaces (topology: {@link TopologyBuilder}),
 * with one {@link ProbeAgent} per host, for applying fenceline payloads in node namespaces and
 * probing connectivity. Needs root. Cleanup of crashed runs: {@link LabJanitor}.
 */
public final class NetnsLab implements AutoCloseable {

  /** Probes in flight at once in {@link #probeAll}. */
  static final int MAX_IN_FLIGHT = 128;

  private static final long AGENT_READY_MS = 30_000;
  private static final long PROBE_DEADLINE_MS = 15_000;

  private final LabLayout layout;
  private final Map<String, AgentProcess> agents = new LinkedHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook = new Thread(this::close, "netns-lab-cleanup");

  private NetnsLab(LabSpec spec) {
    this.layout = new LabLayout(spec);
  }

  /** Removes leftovers of earlier runs, builds the namespaces and starts one agent per host. */
  public static NetnsLab start(LabSpec spec) {
    NetnsLab lab = new NetnsLab(spec);
    try {
      LabJanitor.sweepAndClaim(spec.prefix());
      Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
      new TopologyBuilder(lab.layout).build();
      lab.startAgents();
      return lab;
    } catch (RuntimeException | Error e) {
      try {
        lab.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  public LabSpec spec() {
    return layout.spec();
  }

  /** The namespace of a node, e.g. for running extra commands in tests. */
  public String nodeNamespace(String node) {
    return layout.nodeNs(node);
  }

  /**
   * ipset restore, iptables-restore --noflush, ip6tables-restore --noflush from dir (missing files
   * skipped).
   */
  public void applyPayload(String node, Path dir) {
    firewall(node).apply(dir);
  }

  /**
   * Flushes the node's conntrack table, as an applier's conntrack cleanup would for the pods a
   * change concerns: a UDP flow allowed in an earlier step must not answer a later step's probe.
   */
  public void forgetConnections(String node) {
    firewall(node).forgetConnections();
  }

  /** Removes every FNL-* jump, chain and set in the node and flushes its conntrack table. */
  public void resetNode(String node) {
    firewall(node).reset();
  }

  /** iptables-save followed by ip6tables-save, inside the node namespace. */
  public String iptablesSave(String node) {
    return firewall(node).save();
  }

  /** ipset save inside the node namespace. */
  public String ipsetSave(String node) {
    return firewall(node).ipsetSave();
  }

  public ProbeResult probe(Probe p) {
    return join(probeAsync(p));
  }

  /**
   * Runs the probes concurrently (at most {@value #MAX_IN_FLIGHT} at once); the map keeps the input
   * order.
   */
  public Map<Probe, ProbeResult> probeAll(Collection<Probe> probes) {
    Semaphore permits = new Semaphore(MAX_IN_FLIGHT);
    Map<Probe, CompletableFuture<ProbeResult>> futures = new LinkedHashMap<>();
    for (Probe p : new LinkedHashSet<>(probes)) {
      permits.acquireUninterruptibly();
      CompletableFuture<ProbeResult> f = probeAsync(p);
      f.whenComplete((r, e) -> permits.release());
      futures.put(p, f);
    }
    Map<Probe, ProbeResult> results = new LinkedHashMap<>();
    futures.forEach((p, f) -> results.put(p, join(f)));
    return Collections.unmodifiableMap(results);
  }

  /** Stops the agents and deletes every namespace of this lab; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    agents.values().parallelStream().forEach(AgentProcess::close);
    LabJanitor.release(layout.spec().prefix());
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException ignored) {
      // shutting down, or the hook was never added
    }
  }

  private CompletableFuture<ProbeResult> probeAsync(Probe p) {
    if (closed.get()) {
      throw new IllegalStateException("lab is closed");
    }
    LabHost to = layout.spec().host(p.toHost());
    layout.spec().host(p.fromHost());
    String address = layout.address(to, p.family());
    if (address == null) {
      throw new IllegalArgumentException(
          p + ": " + to.id() + " has no IPv" + p.family() + " address");
    }
    return agents
        .get(p.fromHost())
        .send(p.protocol(), address, p.port())
        .orTimeout(PROBE_DEADLINE_MS, TimeUnit.MILLISECONDS)
        .thenApply(a -> toResult(a, to.id(), address));
  }

  private static ProbeResult toResult(AgentProcess.Answer a, String expected, String address) {
    if (!a.ok()) {
      return new ProbeResult(false, a.text() + " (" + address + ", " + a.millis() + " ms)");
    }
    if (!a.text().equals(expected)) {
      return new ProbeResult(
          false,
          "wrong reply '"
              + a.text()
              + "', expected '"
              + expected
              + "' ("
              + address
              + ", "
              + a.millis()
              + " ms)");
    }
    return new ProbeResult(
        true, "reply '" + a.text() + "' (" + address + ", " + a.millis() + " ms)");
  }

  private static ProbeResult join(CompletableFuture<ProbeResult> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private NodeFirewall firewall(String node) {
    return new NodeFirewall(layout.nodeNs(node));
  }

  private void startAgents() {
    String classpath = agentClasspath();
    for (LabHost h : layout.spec().hosts()) {
      agents.put(h.id(), AgentProcess.start(layout.hostNs(h), h.id(), classpath));
    }
    List<AgentProcess> all = new ArrayList<>(agents.values());
    all.forEach(a -> a.awaitReady(AGENT_READY_MS));
  }

  /** Where ProbeAgent's class lives (a jar or a classes folder): agents need nothing else. */
  static String agentClasspath() {
    try {
      return java.nio.file.Path.of(
              ProbeAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return System.getProperty("java.class.path");
    }
  }
}
