package io.fenceline.core.facts;

/** The kinds of kernel sets fenceline keeps, with the ipset type that holds each. */
public enum SetKind {
  /** IPs of the pods a peer selector matches. */
  POD_IPS("P", "hash:ip"),
  /** {@code ip,proto:port} of the pods a peer selector matches, for an egress named port. */
  NAMED_PORT("N", "hash:ip,port"),
  /** One ipBlock: its CIDR, and its excepts as {@code nomatch} entries. */
  IP_BLOCK("B", "hash:net"),
  /** Addresses of the nodes a ClusterNetworkPolicy {@code nodes} peer selects. */
  NODE_IPS("H", "hash:ip");

  private final String letter;
  private final String ipsetType;

  SetKind(String letter, String ipsetType) {
    this.letter = letter;
    this.ipsetType = ipsetType;
  }

  public String letter() {
    return letter;
  }

  public String ipsetType() {
    return ipsetType;
  }
}
