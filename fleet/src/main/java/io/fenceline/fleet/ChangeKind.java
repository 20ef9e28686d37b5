package io.fenceline.fleet;

/** Why the simulator produced a change: the initial state, or a kind of churn. */
public enum ChangeKind {
  INITIAL,
  POD_CREATE,
  POD_DELETE,
  POD_RELABEL,
  ROLLOUT,
  NAMESPACE_RELABEL,
  POLICY_EDIT
}
