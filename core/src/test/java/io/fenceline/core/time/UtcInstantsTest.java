package io.fenceline.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class UtcInstantsTest {

  @Property(tries = 2000)
  void readsWhatInstantWrites(
      @ForAll @LongRange(min = -62_135_596_800L, max = 253_402_300_799L) long seconds,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nanos,
      @ForAll @IntRange(min = 0, max = 3) int truncate) {
    int[] steps = {1, 1_000, 1_000_000, 1_000_000_000};
    Instant t = Instant.ofEpochSecond(seconds, nanos - nanos % steps[truncate]);
    assertThat(UtcInstants.parse(t.toString())).isEqualTo(t);
  }

  @Property(tries = 3000)
  void agreesWithInstantParseOnNearMisses(@ForAll("nearMisses") String text) {
    Object expected;
    try {
      expected = Instant.parse(text);
    } catch (DateTimeParseException e) {
      expected = DateTimeParseException.class;
    }
    Object actual;
    try {
      actual = UtcInstants.parse(text);
    } catch (DateTimeParseException e) {
      actual = DateTimeParseException.class;
    }
    assertThat(actual).as(text).isEqualTo(expected);
  }

  /** Canonical times with one character replaced, removed or added. */
  @Provide
  Arbitrary<String> nearMisses() {
    Arbitrary<String> base =
        Arbitraries.longs()
            .between(0, 4_102_444_800L)
            .flatMap(
                s ->
                    Arbitraries.integers()
                        .between(0, 999_999_999)
                        .map(n -> Instant.ofEpochSecond(s, n).toString()));
    Arbitrary<Character> chars = Arbitraries.of('0', '9', '6', '-', ':', 'T', 'Z', '.', '+', ' ');
    return base.flatMap(
        b ->
            Arbitraries.integers()
                .between(0, b.length() - 1)
                .flatMap(
                    i ->
                        chars.flatMap(
                            c ->
                                Arbitraries.of(
                                    b.substring(0, i) + c + b.substring(i + 1),
                                    b.substring(0, i) + b.substring(i + 1),
                                    b.substring(0, i) + c + b.substring(i)))));
  }

  @Test
  void leavesTheUnusualFormsToInstantParse() {
    assertThat(UtcInstants.parse("2026-12-04T03:09:03Z"))
        .isEqualTo(Instant.parse("2026-12-04T03:09:03Z"));
    assertThat(UtcInstants.parse("+10000-01-01T00:00:00Z"))
        .isEqualTo(Instant.parse("+10000-01-01T00:00:00Z"));
    assertThat(UtcInstants.parse("2016-12-31T23:59:60Z"))
        .isEqualTo(Instant.parse("2016-12-31T23:59:60Z"));
    assertThatThrownBy(() -> UtcInstants.parse("2026-02-30T00:00:00Z"))
        .isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> UtcInstants.parse("2026-12-04 03:09:03Z"))
        .isInstanceOf(DateTimeParseException.class);
  }
}
