package io.fenceline.core.facts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

/**
 * Decides where each fact change goes, so that every reader holds exactly what the nodes it serves
 * need: a binding goes to its node's partition of the node-facts topic; a policy chain to every
 * node-facts partition with a binding that uses it; a set member, once, to the set-members topic
 * (its cluster's partition), while any chain of the cluster that some partition holds uses its set
 * (docs/adr/0004: written once per cluster, not once per partition). It keeps a reference count per
 * (chain, partition) and per set: when a chain becomes needed on a partition its current content is
 * sent there (after the members of any set that became needed, then the binding), and when the
 * count drops to zero it is tombstoned there (binding, then chain, then the members of sets no
 * longer used).
 *
 * <p>Pure; one instance per cluster. {@code nodePartition} is the node → partition hash that the
 * appliers share.
 */
public final class PartitionRouter {
  /**
   * A fact change and where it must be written: a set member to the cluster's partition of the
   * set-members topic ({@link #shared()}, {@code partitions} empty), any other fact to the
   * node-facts partitions named (never empty).
   */
  public record Routed(FactChange change, SortedSet<Integer> partitions) {
    /** Whether this is a set member, written once for the whole cluster. */
    public boolean shared() {
      return change.key() instanceof FactKey.Member;
    }
  }

  private final ToIntFunction<String> nodePartition;
  private final Map<String, PolicyChainFact> chains = new HashMap<>();
  private final Map<String, Set<SetEntry>> members = new HashMap<>();
  private final Map<FactKey.Binding, PodBindingFact> bindings = new HashMap<>();
  private final Map<String, Map<Integer, Integer>> chainRefs = new HashMap<>();

  /** Per set: how many (chain, partition) holdings use it; present while positive. */
  private final Map<String, Integer> setRefs = new HashMap<>();

  public PartitionRouter(ToIntFunction<String> nodePartition) {
    this.nodePartition = Objects.requireNonNull(nodePartition);
  }

  /** Routes the (dependency-ordered) fact changes of one compiler change. */
  public List<Routed> route(List<FactChange> changes) {
    List<Routed> out = new ArrayList<>();
    for (FactChange c : changes) {
      FactKey key = c.key();
      if (key instanceof FactKey.Member m) {
        Set<SetEntry> entries = members.computeIfAbsent(m.setId(), k -> new LinkedHashSet<>());
        if (c.isRemoval()) {
          entries.remove(m.entry());
          if (entries.isEmpty()) {
            members.remove(m.setId());
          }
        } else {
          entries.add(m.entry());
        }
        if (setRefs.containsKey(m.setId())) {
          out.add(new Routed(c, Collections.emptySortedSet()));
        }
      } else if (key instanceof FactKey.Chain ch) {
        if (c.isRemoval()) {
          chains.remove(ch.chainId());
        } else {
          chains.put(ch.chainId(), (PolicyChainFact) c.value());
        }
        SortedSet<Integer> where = partitions(chainRefs.get(ch.chainId()));
        if (!where.isEmpty()) {
          out.add(new Routed(c, where));
        }
      } else if (key instanceof FactKey.Binding b) {
        PodBindingFact prev = bindings.get(b);
        PodBindingFact next = c.isRemoval() ? null : (PodBindingFact) c.value();
        int p = nodePartition.applyAsInt(b.node());
        if (next != null) {
          bindings.put(b, next);
          for (String id : chainIds(next)) {
            acquireChain(id, p, out);
          }
        } else {
          bindings.remove(b);
        }
        out.add(new Routed(c, single(p)));
        if (prev != null) {
          for (String id : chainIds(prev)) {
            releaseChain(id, p, out);
          }
        }
      }
    }
    return out;
  }

  private void acquireChain(String id, int p, List<Routed> out) {
    Map<Integer, Integer> refs = chainRefs.computeIfAbsent(id, k -> new HashMap<>());
    if (refs.merge(p, 1, Integer::sum) > 1) {
      return;
    }
    PolicyChainFact chain = chains.get(id);
    if (chain == null) {
      throw new IllegalStateException("binding references chain " + id + " that was never emitted");
    }
    for (SetRef set : chain.sets()) {
      if (setRefs.merge(set.id(), 1, Integer::sum) == 1) {
        for (SetEntry e : new TreeSet<>(members.getOrDefault(set.id(), Set.of()))) {
          SetMemberFact f = new SetMemberFact(set.id(), e);
          out.add(new Routed(new FactChange(f.key(), f), Collections.emptySortedSet()));
        }
      }
    }
    out.add(new Routed(new FactChange(chain.key(), chain), single(p)));
  }

  private void releaseChain(String id, int p, List<Routed> out) {
    Map<Integer, Integer> refs = chainRefs.get(id);
    if (refs.merge(p, -1, Integer::sum) > 0) {
      return;
    }
    refs.remove(p);
    if (refs.isEmpty()) {
      chainRefs.remove(id);
    }
    PolicyChainFact chain = chains.get(id);
    FactKey chainKey = new FactKey.Chain(id);
    out.add(new Routed(new FactChange(chainKey, null), single(p)));
    if (chain == null) {
      return;
    }
    for (SetRef set : chain.sets()) {
      if (setRefs.merge(set.id(), -1, Integer::sum) > 0) {
        continue;
      }
      setRefs.remove(set.id());
      for (SetEntry e : new TreeSet<>(members.getOrDefault(set.id(), Set.of())).descendingSet()) {
        out.add(
            new Routed(
                new FactChange(new FactKey.Member(set.id(), e), null),
                Collections.emptySortedSet()));
      }
    }
  }

  private static List<String> chainIds(PodBindingFact b) {
    List<String> ids = new ArrayList<>();
    for (String id : b.allChains()) {
      if (!ids.contains(id)) {
        ids.add(id);
      }
    }
    return ids;
  }

  private static SortedSet<Integer> partitions(Map<Integer, Integer> refs) {
    return refs == null
        ? Collections.emptySortedSet()
        : Collections.unmodifiableSortedSet(new TreeSet<>(refs.keySet()));
  }

  private final Map<Integer, SortedSet<Integer>> singles = new HashMap<>();

  private SortedSet<Integer> single(int p) {
    return singles.computeIfAbsent(
        p, k -> Collections.unmodifiableSortedSet(new TreeSet<>(List.of(k))));
  }
}
