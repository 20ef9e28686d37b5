package io.fenceline.core.facts;

import io.fenceline.core.model.Protocol;

/**
 * One allow clause of a policy chain: traffic whose peer (source for ingress, destination for
 * egress) is in {@code peerSet} (null: any peer), whose destination {@code ip,proto:port} is in
 * {@code namedPortSet} (egress named ports; null: none), and whose protocol and destination port
 * match ({@code protocol} null: any protocol; {@code fromPort} null: any port of the protocol).
 */
public record Clause(
    SetRef peerSet,
    SetRef namedPortSet,
    Protocol protocol,
    Integer fromPort,
    Integer toPort,
    String comment) {

  /** Whether this clause can match traffic of address family {@code family} (4 or 6). */
  public boolean appliesTo(int family) {
    return (peerSet == null || peerSet.existsIn(family))
        && (namedPortSet == null || namedPortSet.existsIn(family));
  }

  /** Canonical text, hashed into the chain's id. */
  public String canonical() {
    return "peer="
        + (peerSet == null ? "*" : peerSet.id())
        + " np="
        + (namedPortSet == null ? "-" : namedPortSet.id())
        + " proto="
        + (protocol == null ? "*" : protocol.kernelName())
        + " ports="
        + (fromPort == null ? "*" : fromPort + "-" + toPort)
        + " #"
        + comment;
  }
}
