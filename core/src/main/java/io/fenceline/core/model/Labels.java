package io.fenceline.core.model;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Immutable, sorted label maps (sorted so that everything derived from them is deterministic). */
public final class Labels {
  private Labels() {}

  public static SortedMap<String, String> copyOf(Map<String, String> labels) {
    if (labels == null || labels.isEmpty()) {
      return Collections.emptySortedMap();
    }
    return Collections.unmodifiableSortedMap(new TreeMap<>(labels));
  }
}
