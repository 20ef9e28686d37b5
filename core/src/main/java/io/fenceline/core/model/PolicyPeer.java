package io.fenceline.core.model;

import java.util.List;

/**
 * A {@code from}/{@code to} entry: pods chosen by selectors, an IP block, or (a
 * ClusterNetworkPolicy egress peer) the addresses of the nodes a node selector chooses.
 */
public sealed interface PolicyPeer {

  /**
   * Pods chosen by selectors. {@code namespaceSelector} null: the policy's own namespace; {@code
   * podSelector} null: every pod of the chosen namespaces. Both set: AND.
   */
  record Selector(LabelSelector namespaceSelector, LabelSelector podSelector)
      implements PolicyPeer {}

  /** A CIDR with holes; matches any address, pod IPs included. */
  record IpBlock(IpPrefix cidr, List<IpPrefix> except) implements PolicyPeer {
    public IpBlock {
      except = except.stream().sorted().distinct().toList();
    }
  }

  /**
   * The addresses ({@code status.addresses}, InternalIP and ExternalIP) of every node whose labels
   * {@code nodeSelector} matches: a ClusterNetworkPolicy's {@code nodes} egress peer. Traffic to a
   * node address reaches the node and its host-network pods.
   */
  record Nodes(LabelSelector nodeSelector) implements PolicyPeer {}
}
