package io.fenceline.core.facts;

/** A fact set ({@code value != null}) or removed ({@code value == null}, a tombstone). */
public record FactChange(FactKey key, Fact value) {
  public boolean isRemoval() {
    return value == null;
  }

  @Override
  public String toString() {
    return (value == null ? "- " : "+ ") + key.text();
  }
}
