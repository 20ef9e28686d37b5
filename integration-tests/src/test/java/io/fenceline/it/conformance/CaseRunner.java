package io.fenceline.it.conformance;

import io.fenceline.cli.Main;
import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.reference.Flow;
import io.fenceline.core.reference.ReferenceModel;
import io.fenceline.sandbox.NetnsLab;
import io.fenceline.sandbox.Probe;
import io.fenceline.sandbox.ProbeMatrix;
import io.fenceline.sandbox.ProbeResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs one case in a lab: for each step, writes the manifests, runs {@code fenceline compile} (the
 * real command, in process), applies each node's payload exactly as a user would, probes every
 * ordered pair of live hosts on TCP and UDP on the case's probe ports (80 and 81 unless it names
 * others), and compares every probe with the reference model, with upstream's expectation where the
 * case states one ({@code expect}) and with each of the step's sparse {@code checks}. SCTP cannot
 * be probed here (no SCTP in this kernel): SCTP expectations and checks are rendered with the
 * payload (compile must accept them) and counted as not probed, never dropped silently.
 */
final class CaseRunner {
  static final List<String> PROTOCOLS = List.of("TCP", "UDP");
  static final List<Integer> PORTS = CaseFile.DEFAULT_PROBE_PORTS;

  /**
   * {@code checks}: sparse checks compared with a probe; {@code sctpNotProbed}: SCTP checks and
   * SCTP upstream pair expectations rendered but not probed.
   */
  record Outcome(
      int steps,
      int probes,
      int upstreamChecks,
      int checks,
      int sctpNotProbed,
      List<String> mismatches) {}

  /** How a step's state reaches the nodes' kernels. */
  interface Enforcer {
    /** Before a case's first step. */
    void startCase(NetnsLab lab) throws IOException;

    /** Brings the nodes of {@code lab} to the state of {@code manifests} (step {@code stepNo}). */
    void enforce(NetnsLab lab, CaseCluster cluster, Path manifests, String where, int stepNo)
        throws IOException;
  }

  /**
   * {@code fenceline compile}, each node's payload applied as a user would (the first step's twice:
   * applying a payload again changes nothing that matters).
   */
  static final class CompileEnforcer implements Enforcer {
    @Override
    public void startCase(NetnsLab lab) {
      for (String node : CaseCluster.NODES) {
        lab.resetNode(node);
      }
    }

    @Override
    public void enforce(NetnsLab lab, CaseCluster cluster, Path manifests, String where, int stepNo)
        throws IOException {
      Path out = manifests.resolveSibling("out");
      StringWriter err = new StringWriter();
      int rc =
          Main.commandLine()
              .setErr(new PrintWriter(err))
              .setOut(new PrintWriter(new StringWriter()))
              .execute("compile", "--manifests", manifests.toString(), "--out", out.toString());
      if (rc != 0) {
        throw new IllegalStateException(where + ": fenceline compile exited " + rc + ":\n" + err);
      }
      for (String node : CaseCluster.NODES) {
        lab.applyPayload(node, out.resolve(node));
        if (stepNo == 1) {
          lab.applyPayload(node, out.resolve(node));
        }
        // compile payloads carry no conntrack cleanup (the applier does it per changed pod): probes
        // of this step must be new connections, not replies within a flow an earlier step allowed.
        lab.forgetConnections(node);
      }
    }
  }

  private final NetnsLab lab;
  private final Path work;
  private final Enforcer enforcer;

  CaseRunner(NetnsLab lab, Path work) {
    this(lab, work, new CompileEnforcer());
  }

  CaseRunner(NetnsLab lab, Path work, Enforcer enforcer) {
    this.lab = lab;
    this.work = work;
    this.enforcer = enforcer;
  }

  Outcome run(CaseFile c) throws IOException {
    CaseCluster cluster = CaseCluster.of(c);
    enforcer.startCase(lab);
    List<String> mismatches = new ArrayList<>();
    int probes = 0;
    int upstreamChecks = 0;
    int checks = 0;
    int sctpNotProbed = 0;
    int stepNo = 0;
    for (CaseFile.Step step : c.steps()) {
      String where = c.name() + " step " + (stepNo++) + " (" + step.name() + ")";
      cluster.apply(step);
      Path dir = Files.createDirectories(work.resolve(c.name()).resolve("step-" + stepNo));
      Path manifests = dir.resolve("manifests.yaml");
      Files.writeString(manifests, cluster.manifests(), StandardCharsets.UTF_8);
      enforcer.enforce(lab, cluster, manifests, where, stepNo);
      ReferenceModel reference = new ReferenceModel(decode(manifests));
      Set<String> live = cluster.liveHosts();
      List<Probe> batch = new ArrayList<>();
      for (Probe p : ProbeMatrix.allPairs(lab, PROTOCOLS, c.ports())) {
        if (live.contains(p.fromHost()) && live.contains(p.toHost())) {
          batch.add(p);
        }
      }
      List<CaseFile.Check> stepChecks = step.checks() == null ? List.of() : step.checks();
      for (CaseFile.Check check : stepChecks) {
        Probe p = probeOf(where, check, live, c.ports());
        if (p != null && !batch.contains(p)) {
          batch.add(p); // a check the matrix does not cover is probed (and compared) as well
        }
      }
      Map<Probe, ProbeResult> results = lab.probeAll(batch);
      probes += batch.size();
      Set<String> nodesToShow = new TreeSet<>();
      for (Probe p : batch) {
        boolean expected = expected(cluster, reference, p);
        ProbeResult r = results.get(p);
        if (r.connected() != expected) {
          mismatches.add(
              where
                  + ": "
                  + p
                  + " expected "
                  + verdict(expected)
                  + " (reference model), got "
                  + verdict(r.connected())
                  + " ("
                  + r.detail()
                  + ")");
          nodesToShow.addAll(nodesOf(cluster, p));
        }
      }
      if (step.expect() != null) {
        for (CaseFile.Expectation e : step.expect()) {
          if (!PROTOCOLS.contains(e.protocol())) {
            // SCTP: this kernel cannot carry it; the payload loading is what is checked.
            sctpNotProbed += pairs(cluster);
            continue;
          }
          for (CaseCluster.PodState from : cluster.pods.values()) {
            for (CaseCluster.PodState to : cluster.pods.values()) {
              if (from == to || from.deleted || to.deleted) {
                continue;
              }
              boolean want = UpstreamReachability.expected(e, from.id, to.id);
              Probe p = new Probe(from.id, to.id, e.protocol(), e.port(), 4);
              ProbeResult r = results.get(p);
              upstreamChecks++;
              if (r == null || r.connected() != want) {
                mismatches.add(
                    where
                        + ": "
                        + p
                        + " expected "
                        + verdict(want)
                        + " (upstream), got "
                        + (r == null ? "no probe" : verdict(r.connected())));
                nodesToShow.addAll(nodesOf(cluster, p));
              }
            }
          }
        }
      }
      for (CaseFile.Check check : stepChecks) {
        Probe p = probeOf(where, check, live, c.ports());
        if (p == null) {
          sctpNotProbed++; // rendered (the payload was compiled and loaded), not probed
          continue;
        }
        checks++;
        ProbeResult r = results.get(p);
        if (r.connected() != check.allowed()) {
          mismatches.add(
              where
                  + ": check "
                  + check.from()
                  + " -> "
                  + check.to()
                  + " "
                  + check.protocol()
                  + "/"
                  + check.port()
                  + " expected "
                  + verdict(check.allowed())
                  + " (case check), got "
                  + verdict(r.connected())
                  + " ("
                  + r.detail()
                  + ")");
          nodesToShow.addAll(nodesOf(cluster, p));
        }
      }
      for (String node : nodesToShow) {
        mismatches.add(
            where
                + ": iptables-save of "
                + node
                + ":\n"
                + lab.iptablesSave(node)
                + "\nipsets:\n"
                + lab.ipsetSave(node));
      }
    }
    return new Outcome(c.steps().size(), probes, upstreamChecks, checks, sctpNotProbed, mismatches);
  }

  /**
   * The IPv4 probe a sparse check is compared with, or null for an SCTP check (not probed here).
   * Both ends must be live hosts of the step; a TCP or UDP check's port must be one the hosts
   * serve.
   */
  static Probe probeOf(
      String where, CaseFile.Check check, Set<String> live, List<Integer> servedPorts) {
    if (check.from() == null
        || check.to() == null
        || check.port() == null
        || check.protocol() == null
        || check.allowed() == null) {
      throw new IllegalArgumentException(
          where + ": check " + check + " needs from, to, port, protocol and allowed");
    }
    for (String host : List.of(check.from(), check.to())) {
      if (!live.contains(host)) {
        throw new IllegalArgumentException(
            where + ": check " + check + " names " + host + ", not a live host of this step");
      }
    }
    boolean probed = check.protocol().equals("TCP") || check.protocol().equals("UDP");
    if (probed && !servedPorts.contains(check.port())) {
      throw new IllegalArgumentException(
          where
              + ": check "
              + check
              + ": no host serves port "
              + check.port()
              + " (probePorts: "
              + servedPorts
              + ")");
    }
    return switch (check.protocol()) {
      case "TCP", "UDP" -> new Probe(check.from(), check.to(), check.protocol(), check.port(), 4);
      case "SCTP" -> null;
      default ->
          throw new IllegalArgumentException(
              where + ": check " + check + ": protocol must be TCP, UDP or SCTP");
    };
  }

  private static int pairs(CaseCluster cluster) {
    long live = cluster.pods.values().stream().filter(p -> !p.deleted).count();
    return (int) (live * (live - 1));
  }

  private static List<ClusterObject> decode(Path manifests) throws IOException {
    try {
      DecodedObjects d =
          Manifests.decode(ManifestParser.parse(manifests.toString(), Files.readString(manifests)));
      return d.objects().stream().map(DecodedObjects.Located::object).toList();
    } catch (io.fenceline.core.manifest.ManifestSyntaxException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * What the kernel should do with this probe. Traffic between a pod and its own node never crosses
   * FORWARD and is always allowed (Kubernetes semantics); everything else is the reference model's
   * verdict.
   */
  static boolean expected(CaseCluster cluster, ReferenceModel reference, Probe p) {
    CaseCluster.PodState from = cluster.pods.get(p.fromHost());
    CaseCluster.PodState to = cluster.pods.get(p.toHost());
    if (from != null
        && to != null
        && from.node.equals(to.node)
        && (from.hostNetwork || to.hostNetwork)) {
      return true;
    }
    Flow flow =
        new Flow(
            endpoint(cluster, p.fromHost(), p.family()),
            endpoint(cluster, p.toHost(), p.family()),
            Protocol.valueOf(p.protocol()),
            p.port());
    return reference.allows(flow);
  }

  private static Flow.Endpoint endpoint(CaseCluster cluster, String host, int family) {
    CaseCluster.PodState pod = cluster.pods.get(host);
    if (pod == null) {
      return Flow.Endpoint.external(IpAddress.parse(cluster.externals.get(host)));
    }
    String ip = family == 4 ? pod.ipv4 : pod.ipv6;
    return Flow.Endpoint.pod(ObjectKey.parse(pod.id), IpAddress.parse(ip));
  }

  private static List<String> nodesOf(CaseCluster cluster, Probe p) {
    List<String> out = new ArrayList<>();
    for (String h : List.of(p.fromHost(), p.toHost())) {
      CaseCluster.PodState pod = cluster.pods.get(h);
      if (pod != null) {
        out.add(pod.node);
      }
    }
    return out;
  }

  private static String verdict(boolean connected) {
    return connected ? "allowed" : "denied";
  }
}
