package io.fenceline.core.model;

import java.util.Objects;

/** One change of cluster state: an object created or replaced, or deleted. */
public sealed interface ClusterChange {
  Kind kind();

  ObjectKey key();

  static ClusterChange upsert(ClusterObject object) {
    return new Upsert(object);
  }

  static ClusterChange delete(Kind kind, ObjectKey key) {
    return new Delete(kind, key);
  }

  record Upsert(ClusterObject object) implements ClusterChange {
    public Upsert {
      Objects.requireNonNull(object, "object");
    }

    @Override
    public Kind kind() {
      return object.kind();
    }

    @Override
    public ObjectKey key() {
      return object.key();
    }
  }

  record Delete(Kind kind, ObjectKey key) implements ClusterChange {
    public Delete {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(key, "key");
    }
  }
}
