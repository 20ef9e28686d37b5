package io.fenceline.simulator.applier;

import io.fenceline.core.render.RenderedNode;

/** What the simulated applier of one node holds: what it applied last and what it read for it. */
final class NodeState {
  final String cluster;
  final String node;
  volatile RenderedNode applied;
  volatile int rules;
  volatile int setMembers;
  volatile long applies;
  /** Bytes of the records (key, value, headers) this node's rendering depended on. */
  volatile long neededBytes;

  NodeState(String cluster, String node) {
    this.cluster = cluster;
    this.node = node;
  }
}
