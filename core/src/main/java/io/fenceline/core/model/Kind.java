package io.fenceline.core.model;

/** The Kubernetes kinds fenceline reads. */
public enum Kind {
  NAMESPACE("Namespace"),
  POD("Pod"),
  NETWORK_POLICY("NetworkPolicy"),
  NODE("Node");

  private final String apiName;

  Kind(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  /**
   * Whether objects of this kind live in a namespace (Pods, NetworkPolicies) or in the cluster
   * (Namespaces, Nodes).
   */
  public boolean namespaced() {
    return this == POD || this == NETWORK_POLICY;
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
