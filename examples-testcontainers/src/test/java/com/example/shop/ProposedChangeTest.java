package com.example.shop;

import static io.fenceline.testcontainers.FencelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceline.testcontainers.FencelineContainer;
import io.fenceline.testcontainers.WhatIfResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proposed change checked before merge: the pull request replaces policies/db.yaml with
 * proposed/db.yaml. In your own CI the tests of {@link ShopPoliciesTest} simply run on the pull
 * request's files and the build fails; here the failure is the expected outcome, so the test shows
 * what that failed build says.
 */
class ProposedChangeTest {

  @Test
  void renamingTheTrustedLabelCutsTheBackendOffTheDatabase(@TempDir Path dir) throws IOException {
    Path proposed = dir.resolve("policies");
    Files.createDirectories(proposed);
    try (var files = Files.list(Path.of("policies"))) {
      for (Path f : files.toList()) {
        Files.copy(f, proposed.resolve(f.getFileName()));
      }
    }
    Files.copy(
        Path.of("proposed/db.yaml"), proposed.resolve("db.yaml"), StandardCopyOption.REPLACE_EXISTING);

    try (FencelineContainer fenceline = new FencelineContainer().withManifests(proposed)) {
      fenceline.start();
      assertThatThrownBy(
              () -> assertThat(fenceline).pod("shop/backend").canReach("shop/db", 5432))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("Connection refused")
          .hasMessageContaining("DENIED shop/backend")
          .hasMessageContaining("ingress: DENIED, isolated by [shop/db, shop/default-deny]");
    }
  }

  /**
   * The same proposal checked without running it: {@code whatif} against the policies in force
   * lists every connection it would change, so the build can fail on any change nobody expected.
   */
  @Test
  void whatifListsWhatTheProposalWouldChange() {
    try (FencelineContainer fenceline =
        new FencelineContainer().withManifests(Path.of("policies")).withDryRun()) {
      fenceline.start();
      WhatIfResult result = fenceline.whatif(Path.of("proposed/db.yaml"));
      assertThat(result.changed()).isTrue();
      assertThat(result.changes())
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.concerns("shop/backend", "shop/db")).isTrue();
                assertThat(c.before()).isTrue();
                assertThat(c.after()).isFalse();
                assertThat(c.ports()).containsExactly("tcp/5432");
              });
    }
  }
}
