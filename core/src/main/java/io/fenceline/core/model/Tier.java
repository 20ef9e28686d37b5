package io.fenceline.core.model;

/**
 * The two tiers of a ClusterNetworkPolicy. Per direction, Admin is evaluated first, then the
 * NetworkPolicy tier (v1 NetworkPolicies, final for the pods they select), then Baseline, then the
 * default (allow).
 */
public enum Tier {
  ADMIN("Admin"),
  BASELINE("Baseline");

  private final String apiName;

  Tier(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  /** The tier spelled as in the API ({@code Admin}, {@code Baseline}), or null. */
  public static Tier fromApiName(String name) {
    for (Tier t : values()) {
      if (t.apiName.equals(name)) {
        return t;
      }
    }
    return null;
  }
}
