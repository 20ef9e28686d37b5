package io.fenceline.fleet;

/**
 * The size of a simulated fleet: clusters, and nodes, pods and policies summed over all of them
 * (spread evenly). Written {@code clusters/nodes/pods/policies}, e.g. {@code 10/5000/150000/20000}.
 */
public record FleetSpec(int clusters, int nodes, int pods, int policies) {
  public static final int MAX_PODS_PER_NODE = 110;

  public FleetSpec {
    if (clusters < 1 || nodes < clusters || pods < 0 || policies < 0) {
      throw new IllegalArgumentException(
          "fleet "
              + clusters
              + "/"
              + nodes
              + "/"
              + pods
              + "/"
              + policies
              + ": need at least one cluster, one node per cluster, and no negative counts");
    }
    if ((long) nodes * MAX_PODS_PER_NODE < pods) {
      throw new IllegalArgumentException(
          "fleet "
              + clusters
              + "/"
              + nodes
              + "/"
              + pods
              + "/"
              + policies
              + ": more than "
              + MAX_PODS_PER_NODE
              + " pods per node");
    }
    if (nodes / clusters > 4096) {
      throw new IllegalArgumentException(
          "fleet "
              + clusters
              + "/"
              + nodes
              + "/"
              + pods
              + "/"
              + policies
              + ": at most 4096 nodes per cluster (one /24 of pod addresses each)");
    }
  }

  /** Parses {@code clusters/nodes/pods/policies}; the message names the text and what is wrong. */
  public static FleetSpec parse(String text) {
    String[] p = text.trim().split("/");
    if (p.length != 4) {
      throw new IllegalArgumentException(
          "fleet size '" + text + "': expected clusters/nodes/pods/policies, e.g. 1/50/1500/200");
    }
    try {
      return new FleetSpec(
          Integer.parseInt(p[0]),
          Integer.parseInt(p[1]),
          Integer.parseInt(p[2]),
          Integer.parseInt(p[3]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "fleet size '" + text + "': every part must be a whole number");
    }
  }

  /** The nodes of cluster {@code c} (the first clusters take the remainder). */
  public int nodesOf(int c) {
    return share(nodes, c);
  }

  public int podsOf(int c) {
    return share(pods, c);
  }

  public int policiesOf(int c) {
    return share(policies, c);
  }

  private int share(int total, int c) {
    return total / clusters + (c < total % clusters ? 1 : 0);
  }

  @Override
  public String toString() {
    return clusters + "/" + nodes + "/" + pods + "/" + policies;
  }
}
