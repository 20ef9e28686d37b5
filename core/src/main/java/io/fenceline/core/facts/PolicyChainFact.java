package io.fenceline.core.facts;

import io.fenceline.core.model.Direction;
import io.fenceline.core.model.ObjectKey;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The rendered rule model of one policy in one direction (for ingress named ports: as resolved on
 * one kind of target pod). Content-addressed: {@code id} is a hash of everything else, so a policy
 * edit makes a new chain and bindings move to it; chains are never modified in place.
 */
public record PolicyChainFact(
    String id, ObjectKey policy, Direction direction, List<Clause> clauses) implements Fact {

  public PolicyChainFact {
    clauses = List.copyOf(clauses);
  }

  @Override
  public FactKey key() {
    return new FactKey.Chain(id);
  }

  /**
   * The policy as people name it: {@code namespace/name} for a NetworkPolicy, {@code
   * ClusterNetworkPolicy name} for a cluster-scoped one.
   */
  public String policyLabel() {
    return policy.namespace().isEmpty()
        ? "ClusterNetworkPolicy " + policy.name()
        : policy.toString();
  }

  /** Whether this is a ClusterNetworkPolicy's chain (its clauses carry verdicts). */
  public boolean tiered() {
    return policy.namespace().isEmpty();
  }

  public SortedSet<SetRef> sets() {
    TreeSet<SetRef> out = new TreeSet<>();
    for (Clause c : clauses) {
      if (c.peerSet() != null) {
        out.add(c.peerSet());
      }
      if (c.namedPortSet() != null) {
        out.add(c.namedPortSet());
      }
    }
    return out;
  }
}
