package io.fenceline.core.model;

import java.util.List;

/** A {@code from}/{@code to} entry: pods chosen by selectors, or an IP block. */
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
}
