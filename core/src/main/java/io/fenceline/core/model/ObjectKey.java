package io.fenceline.core.model;

import java.util.Objects;

/** Identity of a namespaced object within one cluster: {@code namespace/name}. */
public record ObjectKey(String namespace, String name) implements Comparable<ObjectKey> {
  public ObjectKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  public static ObjectKey of(String namespace, String name) {
    return new ObjectKey(namespace, name);
  }

  /** Parses {@code namespace/name}. */
  public static ObjectKey parse(String text) {
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      throw new IllegalArgumentException("expected namespace/name, got '" + text + "'");
    }
    return new ObjectKey(text.substring(0, slash), text.substring(slash + 1));
  }

  @Override
  public int compareTo(ObjectKey o) {
    int c = namespace.compareTo(o.namespace);
    return c != 0 ? c : name.compareTo(o.name);
  }

  /**
   * Mixed, so that keys such as ns-1/pod-2 and ns-2/pod-1 do not collide as the record default
   * would.
   */
  @Override
  public int hashCode() {
    return namespace.hashCode() * 0x9E3779B1 + Integer.rotateLeft(name.hashCode(), 16);
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
