package io.fenceline.core.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class MomentSpecTest {
  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  @Test
  void readsRfc3339NowAndRelativeMoments() {
    assertThat(MomentSpec.parse("2026-11-26T10:00:00Z", NOW))
        .isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
    assertThat(MomentSpec.parse("2026-11-26T11:00:00+01:00", NOW))
        .isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
    assertThat(MomentSpec.parse("2026-11-26T10:00:00.250Z", NOW))
        .isEqualTo(Instant.parse("2026-11-26T10:00:00.250Z"));
    assertThat(MomentSpec.parse("now", NOW)).isEqualTo(NOW);
    assertThat(MomentSpec.parse("-2h", NOW)).isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
    assertThat(MomentSpec.parse("-1h30m", NOW)).isEqualTo(Instant.parse("2026-11-26T10:30:00Z"));
    assertThat(MomentSpec.parse("-1d", NOW)).isEqualTo(Instant.parse("2026-11-25T12:00:00Z"));
    assertThat(MomentSpec.parse("-45s", NOW)).isEqualTo(Instant.parse("2026-11-26T11:59:15Z"));
  }

  @Test
  void refusesAnythingElseAndSaysWhatItReads() {
    for (String bad : new String[] {"yesterday", "2h", "-2x", "2026-11-26 10:00", ""}) {
      assertThatThrownBy(() -> MomentSpec.parse(bad, NOW))
          .hasMessageContaining("RFC 3339")
          .hasMessageContaining("-2h");
    }
  }
}
