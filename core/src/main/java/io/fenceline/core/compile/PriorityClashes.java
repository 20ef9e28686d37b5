package io.fenceline.core.compile;

import io.fenceline.core.model.ClusterNetworkPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * ClusterNetworkPolicies of one cluster that share a tier and a priority: the API leaves their
 * order to the implementation, fenceline evaluates them by name ({@link PolicyCompiler#TIER_ORDER})
 * and warns. {@link #apply} takes one policy change and returns the warnings that changed, by
 * policy name (null: the policy no longer shares its place, or is gone). Pure; not thread-safe.
 */
public final class PriorityClashes {
  private final Map<String, ClusterNetworkPolicy> byName = new HashMap<>();
  private final Map<String, TreeSet<String>> byPlace = new HashMap<>();
  private final Map<String, String> warnings = new HashMap<>();

  /** The warning for policies {@code names} (sorted) sharing {@code place}. */
  public static String warning(String place, List<String> names) {
    return place
        + " is shared by "
        + names
        + "; the API leaves their order open, fenceline evaluates them by name";
  }

  /** Where a policy is evaluated: {@code "Admin tier priority 10"}. */
  public static String place(ClusterNetworkPolicy c) {
    return c.tier().apiName() + " tier priority " + c.priority();
  }

  /**
   * Applies an upsert ({@code next} non-null) or a deletion of policy {@code name}; returns the
   * warnings that changed, by name, in name order (a null value clears the policy's warning).
   */
  public Map<String, String> apply(String name, ClusterNetworkPolicy next) {
    ClusterNetworkPolicy prev = next == null ? byName.remove(name) : byName.put(name, next);
    List<String> touched = new ArrayList<>();
    if (prev != null) {
      TreeSet<String> at = byPlace.get(place(prev));
      at.remove(name);
      touched.addAll(at);
      if (at.isEmpty()) {
        byPlace.remove(place(prev));
      }
    }
    if (next != null) {
      TreeSet<String> at = byPlace.computeIfAbsent(place(next), k -> new TreeSet<>());
      at.add(name);
      touched.addAll(at);
    }
    touched.add(name);
    Map<String, String> changed = new TreeMap<>();
    for (String n : touched) {
      String now = current(n);
      String before = now == null ? warnings.remove(n) : warnings.put(n, now);
      if (!Objects.equals(before, now)) {
        changed.put(n, now);
      }
    }
    return changed;
  }

  /** The warnings in force, by policy name. */
  public Map<String, String> warnings() {
    return new TreeMap<>(warnings);
  }

  private String current(String name) {
    ClusterNetworkPolicy c = byName.get(name);
    if (c == null) {
      return null;
    }
    TreeSet<String> at = byPlace.get(place(c));
    return at.size() < 2 ? null : warning(place(c), List.copyOf(at));
  }
}
