package io.fenceline.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.it.netns.RootRequirement;
import io.fenceline.sandbox.NetnsLab;
import io.fenceline.sandbox.ProbeAgent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite on real netfilter: every case under {@code cases/} (upstream's e2e tests
 * transcribed, and fenceline's own), each step compiled with {@code fenceline compile}, applied in
 * node network namespaces and probed between pod namespaces. Needs root (see README).
 */
class ConformanceIT {
  private static final Path CASES =
      Path.of(System.getProperty("fenceline.cases.dir", "src/test/resources/cases"));
  private static final Map<String, NetnsLab> LABS = new LinkedHashMap<>();
  private static int cases;
  private static int steps;
  private static int probes;
  private static int upstreamChecks;
  private static int checks;
  private static int sctpNotProbed;
  private static final List<String> FAILED = new ArrayList<>();
  private static long started;

  @TempDir static Path work;

  @BeforeAll
  static void requireRoot() {
    RootRequirement.check();
    started = System.nanoTime();
  }

  @AfterAll
  static void closeLabsAndReport() {
    LABS.values().forEach(NetnsLab::close);
    LABS.clear();
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    System.out.printf(
        "conformance: %d cases, %d steps, %d probes, %d upstream expectations checked, %d case"
            + " checks probed, %d SCTP expectations/checks rendered, not probed, %s (%d s)%n",
        cases,
        steps,
        probes,
        upstreamChecks,
        checks,
        sctpNotProbed,
        FAILED.isEmpty() ? "all match" : FAILED.size() + " cases with mismatches: " + FAILED,
        seconds);
  }

  @TestFactory
  Stream<DynamicTest> everyCaseMatchesTheReferenceModel() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(CASES)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).as("case files under %s", CASES).hasSizeGreaterThan(40);
    return files.stream()
        .map(f -> DynamicTest.dynamicTest(CASES.relativize(f).toString(), () -> runCase(f)));
  }

  private static void runCase(Path file) throws IOException {
    CaseFile c = CaseFile.read(file);
    CaseCluster cluster = CaseCluster.of(c);
    String key = cluster.labKey();
    NetnsLab lab = LABS.get(key);
    if (lab == null) {
      // One lab at a time keeps the machine light; cases with the same hosts and ports (the xyz
      // model, the network-policy-api model) share one, since they come one after the other.
      LABS.values().forEach(NetnsLab::close);
      LABS.clear();
      lab = startLab(cluster, c.ports(), "cf");
      LABS.put(key, lab);
    }
    CaseRunner.Outcome o = new CaseRunner(lab, work).run(c);
    cases++;
    steps += o.steps();
    probes += o.probes();
    upstreamChecks += o.upstreamChecks();
    checks += o.checks();
    sctpNotProbed += o.sctpNotProbed();
    if (!o.mismatches().isEmpty()) {
      FAILED.add(c.name());
    }
    assertThat(o.mismatches()).as("%s: probes that disagree", c.name()).isEmpty();
  }

  /**
   * Starts a lab whose agents serve {@code ports} (TCP and UDP), the case's probe ports; its
   * namespaces are named from {@code prefix} and this process.
   */
  static NetnsLab startLab(CaseCluster cluster, List<Integer> ports, String prefix) {
    String before = System.getProperty(ProbeAgent.PORTS_PROPERTY);
    System.setProperty(
        ProbeAgent.PORTS_PROPERTY, String.join(",", ports.stream().map(String::valueOf).toList()));
    try {
      return NetnsLab.start(
          cluster.labSpec(prefix + Long.toString(ProcessHandle.current().pid() % 1296, 36)));
    } finally {
      if (before == null) {
        System.clearProperty(ProbeAgent.PORTS_PROPERTY);
      } else {
        System.setProperty(ProbeAgent.PORTS_PROPERTY, before);
      }
    }
  }
}
