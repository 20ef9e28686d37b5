package io.fenceline.core.model;

/** One object of the cluster state the compiler works on. */
public sealed interface ClusterObject
    permits Namespace, Pod, NetworkPolicy, Node, ClusterNetworkPolicy {
  Kind kind();

  /** Key within its kind; cluster-scoped kinds use an empty namespace. */
  ObjectKey key();
}
