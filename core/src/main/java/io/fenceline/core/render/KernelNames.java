package io.fenceline.core.render;

import io.fenceline.core.facts.SetRef;
import io.fenceline.core.hash.StableHash;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.TierAction;

/**
 * Names of everything fenceline owns in the kernel. All start with {@code FNL-}; all are derived by
 * {@link StableHash}, never from user strings, and fit the kernel's limits (iptables chains 28
 * characters, ipsets 31). They are part of the on-node contract: changing them churns every node.
 */
public final class KernelNames {
  /** Prefix of every chain and set fenceline owns. */
  public static final String PREFIX = "FNL-";

  /** The root chain, jumped to from position 1 of FORWARD. */
  public static final String ROOT_CHAIN = "FNL-FORWARD";

  /** The packet mark bit a policy chain sets when it allows a packet. */
  public static final int ALLOW_MARK = 0x02000000;

  /**
   * The mark bits a ClusterNetworkPolicy chain sets on its first matching clause: Accept, Deny,
   * Pass. A tier clause only matches a packet none of them is set on yet.
   */
  public static final int ACCEPT_MARK = 0x04000000;

  public static final int DENY_MARK = 0x08000000;
  public static final int PASS_MARK = 0x10000000;

  /** The three verdict bits. */
  public static final int VERDICT_MARKS = ACCEPT_MARK | DENY_MARK | PASS_MARK;

  /** Every bit fenceline sets. */
  public static final int ALL_MARKS = ALLOW_MARK | VERDICT_MARKS;

  /** The mark bit of a tier rule's action. */
  public static int verdictMark(TierAction action) {
    return switch (action) {
      case ACCEPT -> ACCEPT_MARK;
      case DENY -> DENY_MARK;
      case PASS -> PASS_MARK;
    };
  }

  private KernelNames() {}

  /** Per-pod chain of one direction: {@code FNL-IN-<hash>} / {@code FNL-OUT-<hash>}. */
  public static String podChain(Direction d, ObjectKey pod) {
    return (d == Direction.INGRESS ? "FNL-IN-" : "FNL-OUT-") + StableHash.of("pod " + pod);
  }

  /** A policy chain: {@code FNL-POL-<chain id>}. */
  public static String policyChain(String chainId) {
    return "FNL-POL-" + chainId;
  }

  /** A set in one family: {@code FNL-<kind><family>-<set id>}, e.g. {@code FNL-P4-...}. */
  public static String set(SetRef ref, int family) {
    return PREFIX + ref.kind().letter() + family + "-" + ref.id();
  }

  /** The scratch set a set's new content is built in before the swap. */
  public static String tempSet(SetRef ref, int family) {
    return set(ref, family) + "-T";
  }
}
