package io.fenceline.kafka.health;

import java.util.List;

/** A yes/no answer with the reasons when no (one line each). */
public record Health(boolean ok, List<String> reasons) {
  public Health {
    reasons = List.copyOf(reasons);
  }

  public static Health up() {
    return new Health(true, List.of());
  }

  public static Health down(String reason) {
    return new Health(false, List.of(reason));
  }

  /** Up when there are no reasons, else down with them. */
  public static Health of(List<String> reasons) {
    return new Health(reasons.isEmpty(), reasons);
  }
}
