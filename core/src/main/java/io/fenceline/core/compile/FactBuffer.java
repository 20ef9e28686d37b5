package io.fenceline.core.compile;

import io.fenceline.core.facts.Fact;
import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.FactKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Collects the fact writes of one change and nets them: a key written several times counts once,
 * with its final value, and a key that ends where it started is not emitted at all. The result is
 * in dependency order: additions of members, chains, bindings; then removals of bindings, chains,
 * members (so a reader never sees a reference to something missing); sorted within each group.
 */
final class FactBuffer {
  private final Map<FactKey, Fact> before = new HashMap<>();
  private final Map<FactKey, Fact> after = new HashMap<>();
  private static final Fact ABSENT = null;

  void put(FactKey key, Fact previous, Fact next) {
    if (!before.containsKey(key)) {
      before.put(key, previous);
    }
    after.put(key, next);
  }

  void add(Fact fact) {
    put(fact.key(), ABSENT, fact);
  }

  void remove(Fact fact) {
    put(fact.key(), fact, ABSENT);
  }

  List<FactChange> drain() {
    List<FactChange> upserts = new ArrayList<>();
    List<FactChange> removals = new ArrayList<>();
    for (Map.Entry<FactKey, Fact> e : after.entrySet()) {
      Fact was = before.get(e.getKey());
      Fact now = e.getValue();
      if (Objects.equals(was, now)) {
        continue;
      }
      if (now == null) {
        removals.add(new FactChange(e.getKey(), null));
      } else {
        upserts.add(new FactChange(e.getKey(), now));
      }
    }
    upserts.sort((a, b) -> a.key().compareTo(b.key()));
    removals.sort((a, b) -> b.key().compareTo(a.key()));
    before.clear();
    after.clear();
    List<FactChange> out = new ArrayList<>(upserts.size() + removals.size());
    out.addAll(upserts);
    out.addAll(removals);
    return out;
  }
}
