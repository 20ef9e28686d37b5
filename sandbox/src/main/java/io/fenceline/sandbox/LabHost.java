package io.fenceline.sandbox;

/**
 * A probe endpoint. {@code node == null}: an external host outside the cluster, attached to the
 * transit. {@code hostNetwork}: lives in the node namespace itself; its addresses are always the
 * node's transit addresses (leave ipv4/ipv6 null, or give exactly those). {@code ipv6} null on a
 * pod: IPv4-only pod.
 */
public record LabHost(String id, String node, String ipv4, String ipv6, boolean hostNetwork) {

  public LabHost {
    if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9._/:-]{0,62}")) {
      throw new IllegalArgumentException("host id must match [A-Za-z0-9][A-Za-z0-9._/:-]*: " + id);
    }
    if (hostNetwork && node == null) {
      throw new IllegalArgumentException("hostNetwork host " + id + " needs a node");
    }
    if (!hostNetwork && ipv4 == null) {
      throw new IllegalArgumentException("host " + id + " needs an ipv4 address");
    }
  }

  public static LabHost pod(String id, String node, String ipv4) {
    return new LabHost(id, node, ipv4, null, false);
  }

  public static LabHost dualStackPod(String id, String node, String ipv4, String ipv6) {
    return new LabHost(id, node, ipv4, ipv6, false);
  }

  public static LabHost external(String id, String ipv4, String ipv6) {
    return new LabHost(id, null, ipv4, ipv6, false);
  }

  public static LabHost hostNetwork(String id, String node) {
    return new LabHost(id, node, null, null, true);
  }

  public boolean external() {
    return node == null;
  }
}
