package io.fenceline.simulator.applier;

import io.fenceline.core.facts.FactKey;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.facts.SetRef;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which nodes of one cluster in one partition use which chain and set, kept beside the fact table
 * so a batch of facts re-renders only the nodes it concerns (bindings name chains, chains name
 * sets).
 */
final class UsageIndex {
  private final Map<FactKey.Binding, List<String>> bindingChains = new HashMap<>();
  private final Map<String, Map<String, Integer>> chainNodes = new HashMap<>();
  private final Map<String, Set<String>> chainSets = new HashMap<>();
  private final Map<String, Set<String>> setChains = new HashMap<>();

  void binding(FactKey.Binding b, PodBindingFact value) {
    List<String> old = bindingChains.remove(b);
    if (old != null) {
      for (String id : old) {
        Map<String, Integer> nodes = chainNodes.get(id);
        if (nodes != null && nodes.merge(b.node(), -1, Integer::sum) <= 0) {
          nodes.remove(b.node());
          if (nodes.isEmpty()) {
            chainNodes.remove(id);
          }
        }
      }
    }
    if (value != null) {
      List<String> ids = value.allChains();
      bindingChains.put(b, ids);
      for (String id : ids) {
        chainNodes.computeIfAbsent(id, k -> new HashMap<>()).merge(b.node(), 1, Integer::sum);
      }
    }
  }

  void chain(String id, PolicyChainFact value) {
    Set<String> old = chainSets.remove(id);
    if (old != null) {
      for (String s : old) {
        Set<String> chains = setChains.get(s);
        if (chains != null) {
          chains.remove(id);
          if (chains.isEmpty()) {
            setChains.remove(s);
          }
        }
      }
    }
    if (value != null) {
      Set<String> sets = new HashSet<>();
      for (SetRef ref : value.sets()) {
        sets.add(ref.id());
      }
      chainSets.put(id, sets);
      for (String s : sets) {
        setChains.computeIfAbsent(s, k -> new HashSet<>()).add(id);
      }
    }
  }

  Set<String> nodesOfChain(String chainId) {
    Map<String, Integer> nodes = chainNodes.get(chainId);
    return nodes == null ? Set.of() : nodes.keySet();
  }

  Set<String> nodesOfSet(String setId) {
    Set<String> chains = setChains.get(setId);
    if (chains == null) {
      return Set.of();
    }
    Set<String> out = new HashSet<>();
    for (String c : chains) {
      out.addAll(nodesOfChain(c));
    }
    return out;
  }
}
