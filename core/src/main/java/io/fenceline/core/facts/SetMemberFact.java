package io.fenceline.core.facts;

/** Presence of one entry in one set. Its removal is a tombstone of the same key. */
public record SetMemberFact(String setId, SetEntry entry) implements Fact {
  @Override
  public FactKey key() {
    return new FactKey.Member(setId, entry);
  }
}
