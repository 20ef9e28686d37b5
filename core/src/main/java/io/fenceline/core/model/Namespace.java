package io.fenceline.core.model;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A namespace and its labels. The automatic label {@code kubernetes.io/metadata.name} is always
 * present (synthesised when a manifest lacks it), as the API server guarantees.
 */
public record Namespace(String name, SortedMap<String, String> labels) implements ClusterObject {
  public static final String NAME_LABEL = "kubernetes.io/metadata.name";

  public Namespace {
    TreeMap<String, String> withName = new TreeMap<>(labels == null ? Map.of() : labels);
    withName.put(NAME_LABEL, name);
    labels = Labels.copyOf(withName);
  }

  public static Namespace of(String name, Map<String, String> labels) {
    return new Namespace(name, Labels.copyOf(labels));
  }

  @Override
  public Kind kind() {
    return Kind.NAMESPACE;
  }

  @Override
  public ObjectKey key() {
    return new ObjectKey("", name);
  }
}
