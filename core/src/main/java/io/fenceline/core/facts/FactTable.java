package io.fenceline.core.facts;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fold of fact changes: the latest value per key, indexed for rendering one node. This is what
 * a reader of the node-facts topic holds; {@code compile} builds one from a from-scratch fold.
 */
public final class FactTable {
  private final Map<String, PolicyChainFact> chains = new HashMap<>();
  private final Map<String, SortedMap<FactKey.Binding, PodBindingFact>> bindingsByNode =
      new HashMap<>();
  private final Map<String, SortedSet<SetEntry>> membersBySet = new HashMap<>();

  public void apply(Collection<FactChange> changes) {
    for (FactChange c : changes) {
      apply(c);
    }
  }

  public void apply(FactChange change) {
    FactKey key = change.key();
    if (key instanceof FactKey.Member m) {
      if (change.isRemoval()) {
        SortedSet<SetEntry> s = membersBySet.get(m.setId());
        if (s != null) {
          s.remove(m.entry());
          if (s.isEmpty()) {
            membersBySet.remove(m.setId());
          }
        }
      } else {
        membersBySet.computeIfAbsent(m.setId(), k -> new TreeSet<>()).add(m.entry());
      }
    } else if (key instanceof FactKey.Chain c) {
      if (change.isRemoval()) {
        chains.remove(c.chainId());
      } else {
        chains.put(c.chainId(), (PolicyChainFact) change.value());
      }
    } else if (key instanceof FactKey.Binding b) {
      if (change.isRemoval()) {
        SortedMap<FactKey.Binding, PodBindingFact> m = bindingsByNode.get(b.node());
        if (m != null) {
          m.remove(b);
          if (m.isEmpty()) {
            bindingsByNode.remove(b.node());
          }
        }
      } else {
        bindingsByNode
            .computeIfAbsent(b.node(), k -> new TreeMap<>())
            .put(b, (PodBindingFact) change.value());
      }
    }
  }

  /** Nodes that have at least one binding. */
  public SortedSet<String> nodesWithBindings() {
    return new TreeSet<>(bindingsByNode.keySet());
  }

  public int chainCount() {
    return chains.size();
  }

  public int memberCount() {
    return membersBySet.values().stream().mapToInt(SortedSet::size).sum();
  }

  public int bindingCount() {
    return bindingsByNode.values().stream().mapToInt(Map::size).sum();
  }

  /** Everything one node needs: its bindings, the chains they use and those chains' sets. */
  public NodeModel nodeModel(String node) {
    return model(node, true);
  }

  /**
   * A node's bindings and the chains they use, with the sets those chains reference listed without
   * their members (each maps to an empty set): what re-rendering a node's rules needs, built at a
   * cost that does not grow with the members of its sets. See {@link #members}.
   */
  public NodeModel nodeStructure(String node) {
    return model(node, false);
  }

  /** The members of set {@code setId} now (a read-only view: it follows later changes). */
  public SortedSet<SetEntry> members(String setId) {
    SortedSet<SetEntry> m = membersBySet.get(setId);
    return m == null ? Collections.emptySortedSet() : Collections.unmodifiableSortedSet(m);
  }

  private NodeModel model(String node, boolean withMembers) {
    List<PodBindingFact> bindings =
        List.copyOf(bindingsByNode.getOrDefault(node, new TreeMap<>()).values());
    SortedMap<String, PolicyChainFact> used = new TreeMap<>();
    SortedSet<String> missingChains = new TreeSet<>();
    for (PodBindingFact b : bindings) {
      for (String id : b.allChains()) {
        PolicyChainFact c = chains.get(id);
        if (c == null) {
          missingChains.add(id);
        } else {
          used.put(id, c);
        }
      }
    }
    SortedMap<SetRef, SortedSet<SetEntry>> sets = new TreeMap<>();
    for (PolicyChainFact c : used.values()) {
      for (SetRef ref : c.sets()) {
        sets.computeIfAbsent(
            ref,
            r ->
                withMembers
                    ? new TreeSet<>(membersBySet.getOrDefault(r.id(), new TreeSet<>()))
                    : Collections.emptySortedSet());
      }
    }
    return new NodeModel(node, bindings, used, sets, missingChains);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
