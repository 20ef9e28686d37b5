package io.fenceline.simulator.applier;

import io.fenceline.applier.sync.NodeSync;

/**
 * What the simulated applier of one node holds: its {@link NodeSync} (the applier's own sync, on an
 * in-memory kernel; what it applied is {@link NodeSync#applied()}) and what it read for it.
 */
final class NodeState {
  final String cluster;
  final String node;
  final NodeSync sync;
  volatile int rules;
  volatile int setMembers;
  volatile long applies;

  /** Bytes of the records (key, value, headers) this node's rendering depended on. */
  volatile long neededBytes;

  /** Of {@link #neededBytes}, those of set-member records. */
  volatile long neededMemberBytes;

  NodeState(String cluster, String node, NodeSync sync) {
    this.cluster = cluster;
    this.node = node;
    this.sync = sync;
  }
}
