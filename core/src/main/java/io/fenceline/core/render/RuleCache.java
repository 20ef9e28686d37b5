package io.fenceline.core.render;

import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.model.Direction;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The pod and policy chains of one node's last render, for an applier that renders the same node
 * again after a change: a chain whose fact is the same object as last time (a fact table keeps an
 * unchanged fact's instance) and, for a pod, whose policies are the same, is taken as it was. Only
 * what the last render used is kept. Pure; not thread-safe; one per node.
 */
public final class RuleCache {
  /** Renders everything every time. */
  static final RuleCache NONE = new RuleCache(false);

  private record PodEntry(Direction direction, List<String> present, List<String> rules) {}

  private final boolean keeps;
  private final Map<Integer, Map<PolicyChainFact, List<String>>> policies = new HashMap<>();
  private final Map<Integer, Map<PolicyChainFact, List<String>>> policiesNow = new HashMap<>();
  private final Map<Integer, Map<PodBindingFact, List<PodEntry>>> pods = new HashMap<>();
  private final Map<Integer, Map<PodBindingFact, List<PodEntry>>> podsNow = new HashMap<>();

  public RuleCache() {
    this(true);
  }

  private RuleCache(boolean keeps) {
    this.keeps = keeps;
  }

  List<String> policy(PolicyChainFact pc, int family, Supplier<List<String>> render) {
    if (!keeps) {
      return render.get();
    }
    List<String> rules = policies.getOrDefault(family, Map.of()).get(pc);
    if (rules == null) {
      rules = render.get();
    }
    policiesNow.computeIfAbsent(family, f -> new IdentityHashMap<>()).put(pc, rules);
    return rules;
  }

  List<String> pod(
      PodBindingFact b,
      Direction d,
      int family,
      List<String> present,
      Supplier<List<String>> render) {
    if (!keeps) {
      return render.get();
    }
    List<String> rules = null;
    for (PodEntry e : pods.getOrDefault(family, Map.of()).getOrDefault(b, List.of())) {
      if (e.direction() == d && e.present().equals(present)) {
        rules = e.rules();
      }
    }
    if (rules == null) {
      rules = render.get();
    }
    podsNow
        .computeIfAbsent(family, f -> new IdentityHashMap<>())
        .computeIfAbsent(b, x -> new java.util.ArrayList<>())
        .add(new PodEntry(d, List.copyOf(present), rules));
    return rules;
  }

  /** The render of one family ended: keep what it used, forget the rest. */
  void rendered(int family) {
    if (!keeps) {
      return;
    }
    policies.put(family, policiesNow.getOrDefault(family, new IdentityHashMap<>()));
    policiesNow.remove(family);
    pods.put(family, podsNow.getOrDefault(family, new IdentityHashMap<>()));
    podsNow.remove(family);
  }
}
