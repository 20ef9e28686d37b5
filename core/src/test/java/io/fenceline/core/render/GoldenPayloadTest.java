package io.fenceline.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.manifest.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden payloads: each folder under {@code src/test/resources/golden/} holds {@code
 * manifests.yaml} and the expected {@code expected/<node>/*.restore} plus {@code
 * expected/problems.txt}. Regenerate with {@code mvn test -pl core -Dgolden.update=true} and review
 * the diff.
 */
class GoldenPayloadTest {
  private static final Path GOLDEN =
      Path.of(System.getProperty("golden.dir", "src/test/resources/golden"));
  private static final boolean UPDATE = Boolean.getBoolean("golden.update");

  static Stream<String> cases() throws IOException {
    try (Stream<Path> s = Files.list(GOLDEN)) {
      return s
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void payloadsMatchGoldenFiles(String name) throws Exception {
    Path dir = GOLDEN.resolve(name);
    String text = Files.readString(dir.resolve("manifests.yaml"), StandardCharsets.UTF_8);
    DecodedObjects decoded = Manifests.decode(ManifestParser.parse("manifests.yaml", text));
    CompiledCluster compiled = CompiledCluster.fromScratch(Manifests.asUpserts(decoded));

    List<String[]> actual = new ArrayList<>();
    actual.add(
        new String[] {
          "problems.txt",
          decoded.problems().stream()
              .map(Problem::toString)
              .collect(Collectors.joining("\n", "", "\n"))
        });
    for (String node : compiled.nodes()) {
      NodePayload p = compiled.payload(node);
      actual.add(new String[] {node + "/ipset.restore", p.ipsetRestore()});
      actual.add(new String[] {node + "/iptables.restore", p.iptablesRestore()});
      actual.add(new String[] {node + "/ip6tables.restore", p.ip6tablesRestore()});
    }

    Path expected = dir.resolve("expected");
    if (UPDATE) {
      if (Files.exists(expected)) {
        try (Stream<Path> s = Files.walk(expected)) {
          for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      for (String[] f : actual) {
        Path target = expected.resolve(f[0]);
        Files.createDirectories(target.getParent());
        Files.writeString(target, f[1], StandardCharsets.UTF_8);
      }
    }
    List<String> expectedFiles;
    try (Stream<Path> s = Files.walk(expected)) {
      expectedFiles =
          s.filter(Files::isRegularFile)
              .map(p -> expected.relativize(p).toString())
              .sorted()
              .toList();
    }
    assertThat(expectedFiles)
        .containsExactlyInAnyOrderElementsOf(actual.stream().map(f -> f[0]).toList());
    for (String[] f : actual) {
      assertThat(f[1])
          .as("%s/%s (regenerate with -Dgolden.update=true)", name, f[0])
          .isEqualTo(Files.readString(expected.resolve(f[0]), StandardCharsets.UTF_8));
    }
  }
}
