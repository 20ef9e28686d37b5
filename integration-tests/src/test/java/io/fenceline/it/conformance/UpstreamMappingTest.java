package io.fenceline.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The upstream mapping is complete: every {@code ginkgo.It} of the pinned upstream file (listed in
 * {@code upstream-tests.txt}, one line per call) has a row in {@code MAPPING.md}, and every row
 * names a case file that exists and carries that It's description.
 */
class UpstreamMappingTest {
  private static final Path UPSTREAM =
      Path.of(System.getProperty("fenceline.cases.dir", "src/test/resources/cases"))
          .resolve("upstream");

  record Row(String description, String file) {}

  private static List<Row> rows() throws IOException {
    List<Row> rows = new ArrayList<>();
    for (String line : Files.readAllLines(UPSTREAM.resolve("MAPPING.md"))) {
      if (!line.startsWith("| ") || line.startsWith("| #") || line.startsWith("|---")) {
        continue;
      }
      String[] cells = line.split("\\|");
      String file = cells[4].replaceAll(".*`([^`]+\\.yaml)`.*", "$1").trim();
      rows.add(new Row(cells[3].trim(), file));
    }
    return rows;
  }

  @Test
  void everyUpstreamItHasAMappingRow() throws IOException {
    List<String> upstream =
        Files.readAllLines(UPSTREAM.resolve("upstream-tests.txt")).stream()
            .filter(l -> !l.isBlank())
            .sorted()
            .toList();
    List<String> mapped = rows().stream().map(Row::description).sorted().toList();
    assertThat(upstream).hasSize(48);
    assertThat(mapped).isEqualTo(upstream);
  }

  @Test
  void everyRowNamesAnExistingCaseForThatIt() throws IOException {
    for (Row r : rows()) {
      Path file = UPSTREAM.resolve(r.file());
      assertThat(file).as("case file of '%s'", r.description()).exists();
      assertThat(CaseFile.read(file).upstream()).isEqualTo(r.description());
    }
  }

  @Test
  void everyUpstreamCaseFileIsMapped() throws IOException {
    List<String> files;
    try (Stream<Path> s = Files.list(UPSTREAM)) {
      files =
          s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
    }
    assertThat(rows().stream().map(Row::file).sorted().toList()).isEqualTo(files);
  }
}
