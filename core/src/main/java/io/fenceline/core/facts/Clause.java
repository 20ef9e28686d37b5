package io.fenceline.core.facts;

import io.fenceline.core.model.Protocol;
import io.fenceline.core.model.TierAction;

/**
 * One allow clause of a policy chain: traffic whose peer (source for ingress, destination for
 * egress) is in {@code peerSet} (null: any peer), whose destination {@code ip,proto:port} is in
 * {@code namedPortSet} (egress named ports; null: none), and whose protocol and destination port
 * match ({@code protocol} null: any protocol; {@code fromPort} null: any port of the protocol).
 *
 * <p>{@code verdict} is null for a NetworkPolicy clause (a match allows); a ClusterNetworkPolicy
 * clause carries its rule's action, and in its chain the first matching clause decides.
 */
public record Clause(
    SetRef peerSet,
    SetRef namedPortSet,
    Protocol protocol,
    Integer fromPort,
    Integer toPort,
    String comment,
    TierAction verdict) {

  /** A NetworkPolicy clause: a match allows (sets the allow mark). */
  public Clause(
      SetRef peerSet,
      SetRef namedPortSet,
      Protocol protocol,
      Integer fromPort,
      Integer toPort,
      String comment) {
    this(peerSet, namedPortSet, protocol, fromPort, toPort, comment, null);
  }

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
        + (verdict == null ? "" : " verdict=" + verdict.apiName())
        + " #"
        + comment;
  }
}
