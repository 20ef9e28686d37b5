package io.fenceline.core.model;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * A Kubernetes label selector: {@code matchLabels} AND every {@code matchExpressions} requirement.
 * Both empty selects everything. Requirements are kept sorted so equal selectors compare equal.
 */
public record LabelSelector(
    SortedMap<String, String> matchLabels, List<Requirement> matchExpressions) {
  public static final LabelSelector EVERYTHING = new LabelSelector(Map.of(), List.of());

  public LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
    this(Labels.copyOf(matchLabels), matchExpressions);
  }

  public LabelSelector {
    matchLabels = Labels.copyOf(matchLabels);
    matchExpressions =
        matchExpressions.stream().sorted(Comparator.comparing(Requirement::toString)).toList();
  }

  public static LabelSelector matchLabels(Map<String, String> labels) {
    return new LabelSelector(labels, List.of());
  }

  public boolean selectsEverything() {
    return matchLabels.isEmpty() && matchExpressions.isEmpty();
  }

  /** Canonical text, used in hashed names and comments. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    matchLabels.forEach(
        (k, v) -> sb.append(sb.length() > 1 ? "," : "").append(k).append('=').append(v));
    for (Requirement r : matchExpressions) {
      sb.append(sb.length() > 1 ? "," : "").append(r);
    }
    return sb.append('}').toString();
  }

  /** One {@code matchExpressions} entry; values are sorted and de-duplicated. */
  public record Requirement(String key, Operator operator, List<String> values) {
    public Requirement {
      values = values.stream().distinct().sorted().toList();
    }

    @Override
    public String toString() {
      return switch (operator) {
        case IN -> key + " in (" + String.join(",", values) + ")";
        case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
        case EXISTS -> key;
        case DOES_NOT_EXIST -> "!" + key;
      };
    }
  }

  public enum Operator {
    IN("In"),
    NOT_IN("NotIn"),
    EXISTS("Exists"),
    DOES_NOT_EXIST("DoesNotExist");

    private final String apiName;

    Operator(String apiName) {
      this.apiName = apiName;
    }

    public String apiName() {
      return apiName;
    }

    public static Operator fromApiName(String s) {
      for (Operator o : values()) {
        if (o.apiName.equals(s)) {
          return o;
        }
      }
      return null;
    }
  }
}
