package io.fenceline.core.history;

import io.fenceline.core.model.Kind;
import io.fenceline.core.model.ObjectKey;
import java.util.Comparator;

/** An object of a cluster's event log: its kind and key ({@code namespace/name}, namespace empty if cluster-scoped). */
public record ObjectRef(Kind kind, ObjectKey key) implements Comparable<ObjectRef> {
  private static final Comparator<ObjectRef> ORDER = Comparator.comparing(ObjectRef::kind).thenComparing(ObjectRef::key);

  @Override
  public int compareTo(ObjectRef o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return kind.apiName() + " " + (key.namespace().isEmpty() ? key.name() : key.toString());
  }
}
