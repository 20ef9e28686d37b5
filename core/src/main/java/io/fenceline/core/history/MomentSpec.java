package io.fenceline.core.history;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A moment as a user types it: RFC 3339 ({@code 2026-11-26T10:00:00Z}, any offset), {@code now}, or
 * relative to now ({@code -2h}, {@code -90m}, {@code -30s}, {@code -1d}, combined as {@code
 * -1h30m}). Pure: "now" is given.
 */
public final class MomentSpec {
  private static final Pattern RELATIVE = Pattern.compile("-((?:\\d+[dhms])+)");
  private static final Pattern PART = Pattern.compile("(\\d+)([dhms])");

  private MomentSpec() {}

  public static Instant parse(String text, Instant now) {
    String t = text.trim();
    if (t.equals("now")) {
      return now;
    }
    Matcher m = RELATIVE.matcher(t);
    if (m.matches()) {
      Duration d = Duration.ZERO;
      Matcher p = PART.matcher(m.group(1));
      while (p.find()) {
        long n = Long.parseLong(p.group(1));
        d =
            d.plus(
                switch (p.group(2)) {
                  case "d" -> Duration.ofDays(n);
                  case "h" -> Duration.ofHours(n);
                  case "m" -> Duration.ofMinutes(n);
                  default -> Duration.ofSeconds(n);
                });
      }
      return now.minus(d);
    }
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a moment: use RFC 3339 (2026-11-26T10:00:00Z), "
              + "now, or relative to now (-2h, -90m, -1h30m, -1d)");
    }
  }
}
