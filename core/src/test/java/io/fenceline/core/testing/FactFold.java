package io.fenceline.core.testing;

import io.fenceline.core.compile.PolicyCompiler;
import io.fenceline.core.facts.Fact;
import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.FactKey;
import io.fenceline.core.facts.FactTable;
import io.fenceline.core.model.ClusterChange;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a reader of the node-facts topic holds after a stream of fact changes: the latest value per
 * key (as a plain map, for comparisons) and the same fold as a {@link FactTable}.
 */
public final class FactFold {
  private final Map<FactKey, Fact> facts = new HashMap<>();
  private final FactTable table = new FactTable();

  /** Compiles {@code changes} with a fresh compiler and folds everything it emits. */
  public static FactFold compile(Collection<ClusterChange> changes) {
    PolicyCompiler compiler = new PolicyCompiler();
    FactFold fold = new FactFold();
    for (ClusterChange c : changes) {
      fold.apply(compiler.apply(c));
    }
    return fold;
  }

  public static FactFold compile(ClusterState state) {
    return compile(state.upserts());
  }

  public void apply(Collection<FactChange> changes) {
    for (FactChange c : changes) {
      apply(c);
    }
  }

  public void apply(FactChange c) {
    if (c.isRemoval()) {
      facts.remove(c.key());
    } else {
      facts.put(c.key(), c.value());
    }
    table.apply(c);
  }

  /** The current facts (a live view; do not modify). */
  public Map<FactKey, Fact> facts() {
    return facts;
  }

  public FactTable table() {
    return table;
  }

  /** The current fact keys, one a line, sorted: for readable failure messages. */
  public String describe() {
    return facts.keySet().stream().sorted().map(FactKey::text).collect(Collectors.joining("\n"));
  }
}
