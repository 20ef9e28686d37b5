package io.fenceline.engine.topology;

/**
 * Keys of the object store: {@code cluster \0 kind \0 namespace \0 name}, so that one cluster's
 * objects of one kind are a contiguous, prefix-scannable range.
 */
final class ObjectStoreKeys {
  static final char SEP = '\0';

  private ObjectStoreKeys() {}

  static String key(String cluster, String kind, String namespace, String name) {
    return cluster + SEP + kind + SEP + namespace + SEP + name;
  }

  static String prefix(String cluster, String kind) {
    return cluster + SEP + kind + SEP;
  }

  static String cluster(String key) {
    return key.substring(0, key.indexOf(SEP));
  }
}
