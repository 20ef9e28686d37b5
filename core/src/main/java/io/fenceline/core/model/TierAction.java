package io.fenceline.core.model;

/**
 * What a ClusterNetworkPolicy rule does with the traffic it matches: {@code ACCEPT} allows it and
 * ends this direction's evaluation (an egress Accept still leaves the destination's ingress
 * checks), {@code DENY} drops it, {@code PASS} skips the rest of the tier and goes on to the next.
 */
public enum TierAction {
  ACCEPT("Accept"),
  DENY("Deny"),
  PASS("Pass");

  private final String apiName;

  TierAction(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  /** The action spelled as in the API, or null. */
  public static TierAction fromApiName(String name) {
    for (TierAction a : values()) {
      if (a.apiName.equals(name)) {
        return a;
      }
    }
    return null;
  }
}
