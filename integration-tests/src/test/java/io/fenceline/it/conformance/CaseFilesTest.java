package io.fenceline.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.ManifestSyntaxException;
import io.fenceline.core.manifest.Manifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case file under {@code cases/} is well formed without a lab (no root needed): it parses,
 * its name is its file name, every step applies to the case's cluster (policies parse, templates
 * resolve, deletions and relabellings name objects that exist), every expectation and check names
 * pods and hosts that exist in that step, checks are complete and probe only ports the hosts serve,
 * and each step's manifests decode (without problems, except in cases about failing closed).
 */
class CaseFilesTest {
  private static final Path CASES =
      Path.of(System.getProperty("fenceline.cases.dir", "src/test/resources/cases"));

  static List<Path> caseFiles() throws IOException {
    try (Stream<Path> s = Files.walk(CASES)) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  void everyDirectoryHasCases() throws IOException {
    Set<String> dirs = new HashSet<>();
    for (Path f : caseFiles()) {
      dirs.add(CASES.relativize(f).getName(0).toString());
    }
    assertThat(dirs).contains("upstream", "own", "network-policy-api");
  }

  @TestFactory
  Stream<DynamicTest> everyCaseIsWellFormed() throws IOException {
    return caseFiles().stream()
        .map(f -> DynamicTest.dynamicTest(CASES.relativize(f).toString(), () -> check(f)));
  }

  private static void check(Path file) {
    CaseFile c = CaseFile.read(file);
    String base = file.getFileName().toString().replaceAll("\\.yaml$", "");
    assertThat(c.name()).as("name of %s", file).isEqualTo(base);
    assertThat(c.steps()).as("%s: steps", base).isNotEmpty();
    assertThat(c.ports())
        .as("%s: probePorts", base)
        .allSatisfy(p -> assertThat(p).isBetween(1, 65535))
        .doesNotHaveDuplicates();
    boolean failClosedCase = base.contains("fail-closed") || base.contains("fails-closed");
    CaseCluster cluster = CaseCluster.of(c);
    Set<String> stepNames = new HashSet<>();
    int stepNo = 0;
    for (CaseFile.Step step : c.steps()) {
      String where = base + " step " + (stepNo++) + " (" + step.name() + ")";
      assertThat(step.name()).as("%s: name", where).isNotBlank();
      assertThat(stepNames.add(step.name())).as("%s: step names are unique", where).isTrue();
      cluster.apply(step);
      Set<String> live = cluster.liveHosts();
      List<String> livePods =
          cluster.pods.values().stream().filter(p -> !p.deleted).map(p -> p.id).toList();
      if (step.expect() != null) {
        for (CaseFile.Expectation e : step.expect()) {
          assertThat(e.protocol()).as("%s: expect protocol", where).isIn("TCP", "UDP", "SCTP");
          assertThat(e.rules()).as("%s: expect rules", where).isNotNull();
          for (CaseFile.Rule r : e.rules()) {
            for (String pattern : List.of(r.from(), r.to())) {
              assertThat(livePods.stream().anyMatch(p -> UpstreamReachability.matches(pattern, p)))
                  .as("%s: expectation peer '%s' matches a pod", where, pattern)
                  .isTrue();
            }
          }
        }
      }
      if (step.checks() != null) {
        for (CaseFile.Check check : step.checks()) {
          // Throws for an incomplete check, an unknown or deleted host, a bad protocol, or a
          // TCP/UDP port no host serves.
          CaseRunner.probeOf(where, check, live, c.ports());
          assertThat(check.from()).as("%s: %s", where, check).isNotEqualTo(check.to());
          assertThat(check.port()).as("%s: %s", where, check).isBetween(1, 65535);
        }
      }
      DecodedObjects decoded;
      try {
        decoded = Manifests.decode(ManifestParser.parse(where, cluster.manifests()));
      } catch (ManifestSyntaxException e) {
        throw new AssertionError(where + ": manifests do not parse: " + e.getMessage(), e);
      }
      if (!failClosedCase) {
        assertThat(decoded.problems()).as("%s: problems decoding the manifests", where).isEmpty();
      }
      assertThat(decoded.ignoredKinds()).as("%s: kinds fenceline ignores", where).isEmpty();
    }
  }

  @Test
  void networkPolicyApiCasesNameTheirUpstreamTestAndSubTests() throws IOException {
    List<String> missing = new ArrayList<>();
    for (Path f : caseFiles()) {
      if (!CASES.relativize(f).getName(0).toString().equals("network-policy-api")) {
        continue;
      }
      CaseFile c = CaseFile.read(f);
      if (c.upstream() == null || !c.upstream().startsWith("CNP")) {
        missing.add(c.name() + ": upstream test");
      }
      for (CaseFile.Step s : c.steps()) {
        if (s.upstream() == null || s.upstream().isBlank()) {
          missing.add(c.name() + " " + s.name() + ": upstream sub-test");
        }
        if (s.checks() == null || s.checks().isEmpty()) {
          missing.add(c.name() + " " + s.name() + ": checks");
        }
      }
    }
    assertThat(missing).isEmpty();
  }
}
