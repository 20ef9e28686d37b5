package io.fenceline.core.facts;

/**
 * A reference from a policy chain to a set. {@code id} is a hash of the set's definition, so equal
 * peers share one set; {@code family} is 4 or 6 for an ipBlock set, 0 for sets that exist in both
 * families; {@code definition} is the canonical definition (for people reading payloads).
 */
public record SetRef(String id, SetKind kind, int family, String definition)
    implements Comparable<SetRef> {
  public boolean existsIn(int f) {
    return family == 0 || family == f;
  }

  @Override
  public int compareTo(SetRef o) {
    return id.compareTo(o.id);
  }
}
