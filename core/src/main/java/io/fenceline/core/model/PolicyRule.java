package io.fenceline.core.model;

import java.util.List;

/**
 * One ingress or egress rule. An empty peer list means every source/destination; an empty port list
 * means every port of every protocol.
 */
public record PolicyRule(List<PolicyPeer> peers, List<PolicyPort> ports) {
  public PolicyRule {
    peers = List.copyOf(peers);
    ports = List.copyOf(ports);
  }
}
