package io.fenceline.core.explain;

import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.TierAction;

/** One side of an explained flow in words, as {@code explain} and {@code demo} print it. */
public final class SideWords {
  private SideWords() {}

  /**
   * {@code name}: {@code "egress"} or {@code "ingress"} (padded as the caller aligns it); {@code
   * subject}: the pod on this side, or null for an address outside the cluster's pods.
   */
  public static String of(String name, FlowExplainer.Side s, ObjectKey subject) {
    String passed = passes(s);
    if (subject == null) {
      return name + ": not a pod here (no policy applies)";
    }
    if (s.quarantined()) {
      return name
          + ": DENIED, "
          + subject
          + " is quarantined: its object was too large to publish, so it is isolated in both"
          + " directions until a smaller version arrives (fail closed)";
    }
    TierMatch tier = s.decidingTier();
    if (tier != null) {
      return name
          + ": "
          + (tier.action() == TierAction.ACCEPT ? "allowed" : "DENIED")
          + " by the "
          + tier.describe()
          + (tier == s.baseline() ? passed : "");
    }
    if (!s.isolated()) {
      return name + ": allowed, " + subject + " is not isolated for " + name.trim() + passed;
    }
    if (s.match() == null) {
      return name
          + ": DENIED, isolated by "
          + s.isolatingPolicies()
          + " and no rule matched"
          + passed;
    }
    return name
        + ": allowed by "
        + s.match().policy()
        + " rule "
        + s.match().ruleIndex()
        + " peer "
        + (s.match().peerIndex() < 0 ? "any" : Integer.toString(s.match().peerIndex()))
        + " (isolated by "
        + s.isolatingPolicies()
        + ")"
        + passed;
  }

  /** {@code " (passed on by ...)"} when an Admin tier Pass sent the flow on, else empty. */
  private static String passes(FlowExplainer.Side s) {
    return s.admin() != null && s.admin().action() == TierAction.PASS
        ? " (passed on by the " + s.admin().describe() + ")"
        : "";
  }
}
