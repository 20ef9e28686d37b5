package io.fenceline.fleet;

/** Why the simulator produced a change: the initial state, or a kind of churn. */
public enum ChangeKind {
  INITIAL,
  POD_CREATE,
  POD_DELETE,
  POD_RELABEL,
  /** A label no policy reads ({@code version}), as a rollout tool may set. */
  POD_VERSION_RELABEL,
  /** The pod's sandbox recreated: the same pod on the same node with a new address. */
  POD_ADDRESS_CHANGE,
  ROLLOUT,
  NAMESPACE_RELABEL,
  POLICY_EDIT
}
