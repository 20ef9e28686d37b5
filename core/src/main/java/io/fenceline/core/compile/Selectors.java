package io.fenceline.core.compile;

import io.fenceline.core.model.LabelSelector;
import java.util.Map;

/** Label selector evaluation, as the Kubernetes API defines it. */
public final class Selectors {
  private Selectors() {}

  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    for (Map.Entry<String, String> e : selector.matchLabels().entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (LabelSelector.Requirement r : selector.matchExpressions()) {
      String value = labels.get(r.key());
      boolean ok =
          switch (r.operator()) {
            case IN -> value != null && r.values().contains(value);
            case NOT_IN -> value == null || !r.values().contains(value);
            case EXISTS -> value != null;
            case DOES_NOT_EXIST -> value == null;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
