package io.fenceline.core.model;

/** The Kubernetes kinds fenceline reads. */
public enum Kind {
  NAMESPACE("Namespace"),
  POD("Pod"),
  NETWORK_POLICY("NetworkPolicy"),
  NODE("Node"),
  CLUSTER_NETWORK_POLICY("ClusterNetworkPolicy");

  private final String apiName;

  Kind(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  /**
   * Whether objects of this kind live in a namespace (Pods, NetworkPolicies) or in the cluster
   * (Namespaces, Nodes, ClusterNetworkPolicies).
   */
  public boolean namespaced() {
    return this == POD || this == NETWORK_POLICY;
  }

  /**
   * Where objects of this kind go when a whole state is applied at once: namespaces and nodes
   * before the pods in them, pods before the policies that select them.
   */
  public int applyOrder() {
    return switch (this) {
      case NAMESPACE -> 0;
      case NODE -> 1;
      case POD -> 2;
      case NETWORK_POLICY -> 3;
      case CLUSTER_NETWORK_POLICY -> 4;
    };
  }

  public static Kind fromApiName(String name) {
    for (Kind k : values()) {
      if (k.apiName.equals(name)) {
        return k;
      }
    }
    return null;
  }
}
