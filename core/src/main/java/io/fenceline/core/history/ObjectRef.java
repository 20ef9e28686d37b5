package io.fenceline.core.history;

import io.fenceline.core.model.Kind;
import io.fenceline.core.model.ObjectKey;

/**
 * An object of a cluster's event log: its kind and key ({@code namespace/name}, namespace empty if
 * cluster-scoped).
 */
public record ObjectRef(Kind kind, ObjectKey key) implements Comparable<ObjectRef> {
  @Override
  public int compareTo(ObjectRef o) {
    int c = kind.compareTo(o.kind);
    return c != 0 ? c : key.compareTo(o.key);
  }

  @Override
  public String toString() {
    return kind.apiName() + " " + (key.namespace().isEmpty() ? key.name() : key.toString());
  }
}
