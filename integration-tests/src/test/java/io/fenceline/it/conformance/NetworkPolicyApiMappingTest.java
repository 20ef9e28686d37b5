package io.fenceline.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The network-policy-api mapping is complete: every sub-test of the pinned upstream conformance
 * tests (listed in {@code upstream-subtests.txt}, test and sub-test tab-separated) has a row in
 * {@code MAPPING.md}, every row names a case file whose {@code upstream} is that test and steps
 * whose {@code upstream} is that sub-test, every step of every case is mapped, and every case file
 * there is in the table.
 */
class NetworkPolicyApiMappingTest {
  private static final Path DIR =
      Path.of(System.getProperty("fenceline.cases.dir", "src/test/resources/cases"))
          .resolve("network-policy-api");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  record Row(String test, String subTest, String file, List<String> steps) {}

  private static List<Row> rows() throws IOException {
    List<Row> rows = new ArrayList<>();
    for (String line : Files.readAllLines(DIR.resolve("MAPPING.md"))) {
      if (!line.startsWith("| ") || line.startsWith("| #") || line.startsWith("|---")) {
        continue;
      }
      String[] cells = line.split("\\|");
      String test = cells[2].trim().replaceAll(" \\(.*\\)$", "");
      String file = cells[4].replaceAll(".*`([^`]+\\.yaml)`.*", "$1").trim();
      List<String> steps = new ArrayList<>();
      Matcher m = CODE.matcher(cells[5]);
      while (m.find()) {
        steps.add(m.group(1));
      }
      rows.add(new Row(test, cells[3].trim(), file, steps));
    }
    return rows;
  }

  @Test
  void everyUpstreamSubTestHasOneRow() throws IOException {
    List<String> upstream =
        Files.readAllLines(DIR.resolve("upstream-subtests.txt")).stream()
            .filter(l -> !l.isBlank())
            .map(l -> l.replace('\t', '|'))
            .toList();
    List<String> mapped = rows().stream().map(r -> r.test() + "|" + r.subTest()).toList();
    assertThat(upstream).hasSize(92).doesNotHaveDuplicates();
    assertThat(mapped).isEqualTo(upstream);
  }

  @Test
  void everyRowNamesACaseAndStepsOfThatSubTest() throws IOException {
    for (Row r : rows()) {
      Path file = DIR.resolve(r.file());
      assertThat(file).as("case file of %s / %s", r.test(), r.subTest()).exists();
      CaseFile c = CaseFile.read(file);
      assertThat(c.upstream()).as("upstream of %s", r.file()).isEqualTo(r.test());
      assertThat(r.steps()).as("steps of %s / %s", r.test(), r.subTest()).isNotEmpty();
      for (String step : r.steps()) {
        CaseFile.Step s =
            c.steps().stream().filter(x -> x.name().equals(step)).findFirst().orElse(null);
        assertThat(s).as("step %s of %s", step, r.file()).isNotNull();
        assertThat(s.upstream())
            .as("upstream of step %s of %s", step, r.file())
            .isEqualTo(r.subTest());
      }
    }
  }

  @Test
  void everyCaseAndStepIsMapped() throws IOException {
    List<Row> rows = rows();
    Set<String> mapped = new LinkedHashSet<>();
    rows.forEach(r -> r.steps().forEach(s -> mapped.add(r.file() + "#" + s)));
    List<String> files;
    try (Stream<Path> s = Files.list(DIR)) {
      files =
          s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
    }
    assertThat(rows.stream().map(Row::file).distinct().sorted().toList()).isEqualTo(files);
    List<String> steps = new ArrayList<>();
    for (String f : files) {
      CaseFile.read(DIR.resolve(f)).steps().forEach(s -> steps.add(f + "#" + s.name()));
    }
    assertThat(mapped).containsExactlyInAnyOrderElementsOf(steps);
  }
}
