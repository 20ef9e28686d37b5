package io.fenceline.kafka.topics;

/**
 * Records of {@link Topics#POLICY_WARNINGS}: key {@code <cluster>/<ClusterNetworkPolicy name>} (a
 * cluster id has no {@code /}), value the warning text or a tombstone.
 */
public final class PolicyWarnings {
  private PolicyWarnings() {}

  /** One warning in force. */
  public record Warning(String cluster, String policy, String text) {
    @Override
    public String toString() {
      return "cluster " + cluster + ": ClusterNetworkPolicy " + policy + ": " + text;
    }
  }

  public static String key(String cluster, String policy) {
    return cluster + "/" + policy;
  }

  /** The warning a record holds, or null for a tombstone or a key that is not ours. */
  public static Warning of(String key, byte[] value) {
    if (key == null || value == null || key.indexOf('/') < 0) {
      return null;
    }
    int slash = key.indexOf('/');
    return new Warning(
        key.substring(0, slash),
        key.substring(slash + 1),
        new String(value, java.nio.charset.StandardCharsets.UTF_8));
  }
}
