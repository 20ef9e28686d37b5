package io.fenceline.core.facts;

import java.util.ArrayList;
import java.util.List;

/**
 * The ClusterNetworkPolicy chains of one pod in one direction, in evaluation order: the Admin
 * tier's (before any NetworkPolicy) and the Baseline tier's (after, for a pod no NetworkPolicy
 * isolates in that direction). Each list is ordered by priority, then policy name.
 */
public record TierChains(List<String> admin, List<String> baseline) {
  public static final TierChains NONE = new TierChains(List.of(), List.of());

  public TierChains {
    admin = List.copyOf(admin);
    baseline = List.copyOf(baseline);
  }

  public boolean isEmpty() {
    return admin.isEmpty() && baseline.isEmpty();
  }

  /** Every chain id, admin first. */
  public List<String> all() {
    List<String> out = new ArrayList<>(admin);
    out.addAll(baseline);
    return out;
  }
}
