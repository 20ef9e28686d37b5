package io.fenceline.core.model;

import java.util.List;

/**
 * One rule of a ClusterNetworkPolicy: {@code name} (may be empty; rules are also known by their
 * index), its action, the peers it matches and the ports ({@code ports} empty: every port of every
 * protocol). Peers are {@link PolicyPeer.Selector}s with a namespace selector always set (the API
 * has no "own namespace"), {@link PolicyPeer.IpBlock}s without excepts (a {@code networks} CIDR)
 * and, in egress rules, {@link PolicyPeer.Nodes}. A destination named port is a {@link PolicyPort}
 * with a name and no protocol: it names a container port of whichever protocol the container
 * declares.
 *
 * <p>{@code unmatchablePeers} counts peers fenceline cannot evaluate (no field it knows, or a field
 * it does not support: {@code domainNames}). They fail closed as the API asks: in an Accept rule
 * they match nothing; a Deny or Pass rule holding one denies everything.
 */
public record TierRule(
    String name,
    TierAction action,
    List<PolicyPeer> peers,
    List<PolicyPort> ports,
    int unmatchablePeers) {
  public TierRule {
    peers = List.copyOf(peers);
    ports = List.copyOf(ports);
  }

  /** Whether fail-closed turns this rule into a deny of everything (Deny and Pass rules). */
  public boolean deniesAll() {
    return unmatchablePeers > 0 && action != TierAction.ACCEPT;
  }

  /** How people refer to rule {@code index} of this rule's list: its name, or its index. */
  public String label(int index) {
    return name.isEmpty() ? "rule " + index : "rule " + index + " (" + name + ")";
  }
}
