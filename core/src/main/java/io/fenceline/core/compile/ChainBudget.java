package io.fenceline.core.compile;

import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.hash.StableHash;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.NetworkPolicy;
import java.util.List;

/**
 * How large one policy's chain may be. A chain is one record of {@code fenceline.node-facts}, and
 * Kafka refuses a record above the topic's {@code max.message.bytes} (1 MiB by default), which
 * would stop the engine's stream; so a policy whose chain in one direction would encode to more
 * than {@link #MAX_CHAIN_BYTES} is invalid, and enforced failing closed (its targets isolated,
 * nothing allowed by it) in {@code compile} and in the pipeline alike.
 *
 * <p>ipBlocks cost nothing here beyond one clause per rule, family and port (their addresses are
 * set members, one record each); what fills a chain is many selector peers or ports: about 10,000
 * clauses at typical name lengths, 1,000 at the longest names the API allows.
 */
public final class ChainBudget {
  /** The largest encoded chain fact. */
  public static final int MAX_CHAIN_BYTES = 900 * 1024;

  /**
   * The most chains one pod binding lists (about 20 bytes each); beyond, the binding fails closed.
   */
  public static final int MAX_CHAINS_PER_BINDING = 20_000;

  /** A clause encodes to at most this many bytes (names, comments and definitions are bounded). */
  private static final int MAX_CLAUSE_BYTES = 1_400;

  private ChainBudget() {}

  /**
   * The encoded size of {@code policy}'s chain in direction {@code d} when it is more than {@link
   * #MAX_CHAIN_BYTES}, else 0; each ingress named port counts as resolving to one number (as it
   * does on every valid pod: port names are unique in a pod). A chain of few clauses is not
   * encoded.
   */
  public static long excess(NetworkPolicy policy, Direction d) {
    PolicyChainFact chain = ChainBuilder.build(policy, d, null).chain();
    if (fits(chain)) {
      return 0;
    }
    return FactCodec.encode(chain).length;
  }

  /** Whether {@code chain} fits a record; cheap for chains of few clauses. */
  static boolean fits(PolicyChainFact chain) {
    return (long) chain.clauses().size() * MAX_CLAUSE_BYTES <= MAX_CHAIN_BYTES
        || FactCodec.encode(chain).length <= MAX_CHAIN_BYTES;
  }

  /**
   * The chain enforced for a policy direction whose chain does not fit: no clause, so nothing
   * allowed.
   */
  static PolicyChainFact failedClosed(NetworkPolicy policy, Direction d) {
    String id =
        StableHash.of(policy.key() + " " + d.lowerName() + "\nfailed closed: chain too large");
    return new PolicyChainFact(id, policy.key(), d, List.of());
  }
}
