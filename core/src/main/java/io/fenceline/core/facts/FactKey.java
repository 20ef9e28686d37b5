package io.fenceline.core.facts;

import io.fenceline.core.model.ObjectKey;

/**
 * Stable key of a node fact. Facts are idempotent: the latest value per key is the state, a removal
 * is a tombstone.
 */
public sealed interface FactKey extends Comparable<FactKey> {
  /** Dependency rank: members before chains before bindings (removals go in reverse). */
  int rank();

  String text();

  @Override
  default int compareTo(FactKey o) {
    int c = Integer.compare(rank(), o.rank());
    return c != 0 ? c : text().compareTo(o.text());
  }

  record Member(String setId, SetEntry entry) implements FactKey {
    @Override
    public int rank() {
      return 0;
    }

    @Override
    public String text() {
      return "member/" + setId + "/" + entry.ipsetText();
    }
  }

  record Chain(String chainId) implements FactKey {
    @Override
    public int rank() {
      return 1;
    }

    @Override
    public String text() {
      return "chain/" + chainId;
    }
  }

  record Binding(String node, ObjectKey pod) implements FactKey {
    @Override
    public int rank() {
      return 2;
    }

    @Override
    public String text() {
      return "binding/" + node + "/" + pod;
    }
  }
}
