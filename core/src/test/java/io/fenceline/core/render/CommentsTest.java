package io.fenceline.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommentsTest {
  @ParameterizedTest
  @ValueSource(
      strings = {"a\"b", "a\nb", "a\\b", "a\u0000b", "a'b", "a`b", "a$b", "a\u00e9b", "a\u2028b"})
  void replacesEveryCharacterThatCouldEscapeTheComment(String input) {
    assertThat(Comments.sanitize(input)).isEqualTo("a_b");
  }

  @Test
  void truncatesTo255Bytes() {
    assertThat(Comments.sanitize("x".repeat(1000))).hasSize(255);
  }

  @Test
  void keepsPlainNamespaceAndNameText() {
    assertThat(Comments.option("prod/api-0 ingress: prod/allow-web"))
        .isEqualTo("-m comment --comment \"prod/api-0 ingress: prod/allow-web\"");
  }
}
