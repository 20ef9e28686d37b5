package io.fenceline.core.explain;

import io.fenceline.core.model.Tier;
import io.fenceline.core.model.TierAction;

/**
 * The ClusterNetworkPolicy rule that matched a flow first in one tier: its policy, priority, rule
 * (0-based index and name, which may be empty) and action. An Accept or Deny decides the direction;
 * a Pass sends it on to the next tier.
 */
public record TierMatch(
    Tier tier, String policy, int priority, int ruleIndex, String ruleName, TierAction action) {

  /**
   * {@code Admin tier ClusterNetworkPolicy guardrails (priority 10) rule 2 "deny-metadata": Deny}.
   */
  public String describe() {
    return tier.apiName()
        + " tier ClusterNetworkPolicy "
        + policy
        + " (priority "
        + priority
        + ") rule "
        + ruleIndex
        + (ruleName.isEmpty() ? "" : " \"" + ruleName + "\"")
        + ": "
        + action.apiName();
  }
}
