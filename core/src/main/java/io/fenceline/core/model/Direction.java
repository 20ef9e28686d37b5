package io.fenceline.core.model;

/** Policy direction, as in {@code spec.policyTypes}. */
public enum Direction {
  INGRESS("Ingress"),
  EGRESS("Egress");

  private final String apiName;

  Direction(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  public String lowerName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
