package io.fenceline.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.it.netns.RootRequirement;
import io.fenceline.sandbox.NetnsLab;
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
        "conformance: %d cases, %d steps, %d probes, %d upstream expectations checked, %s (%d s)%n",
        cases,
        steps,
        probes,
        upstreamChecks,
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
    NetnsLab lab = LABS.get(cluster.modelKey);
    if (lab == null) {
      // One lab at a time keeps the machine light; custom models are used by one case each.
      LABS.values().forEach(NetnsLab::close);
      LABS.clear();
      lab =
          NetnsLab.start(
              cluster.labSpec("cf" + Long.toString(ProcessHandle.current().pid() % 1296, 36)));
      LABS.put(cluster.modelKey, lab);
    }
    CaseRunner.Outcome o = new CaseRunner(lab, work).run(c);
    cases++;
    steps += o.steps();
    probes += o.probes();
    upstreamChecks += o.upstreamChecks();
    if (!o.mismatches().isEmpty()) {
      FAILED.add(c.name());
    }
    assertThat(o.mismatches()).as("%s: probes that disagree", c.name()).isEmpty();
  }
}
