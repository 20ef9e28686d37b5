package io.fenceline.core.whatif;

import io.fenceline.core.compile.PolicyCompiler;
import io.fenceline.core.facts.Fact;
import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.FactKey;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.facts.SetEntry;
import io.fenceline.core.facts.SetRef;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.ObjectKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the compiler changes between two states, as the pods whose verdicts may change: the pods
 * whose bindings changed (every flow from or to them), and for every changed set member the pairs
 * (a pod bound to a chain that reads the set, the pod holding the member's address) in the chain's
 * direction. The before state is compiled once; the after state is the before state plus the
 * changes between them, applied incrementally (so the work follows the change).
 */
final class CompilerDiff {
  /**
   * A flow direction that may change: {@code subject} reads a set that {@code peerIp} entered or
   * left.
   */
  record PeerChange(ObjectKey subject, Direction direction, IpAddress peerIp) {}

  final Set<ObjectKey> rebound = new HashSet<>();
  final List<PeerChange> peerChanges = new ArrayList<>();

  CompilerDiff(List<ClusterObject> before, List<ClusterObject> after) {
    PolicyCompiler compiler = new PolicyCompiler();
    Map<FactKey, Fact> facts = new HashMap<>();
    fold(facts, compiler.applyAll(upserts(before)));
    Map<FactKey, Fact> beforeFacts = new HashMap<>(facts);
    List<FactChange> changes = compiler.applyAll(changes(before, after));
    fold(facts, changes);
    Set<String> changedSets = new HashSet<>();
    List<FactKey.Member> members = new ArrayList<>();
    for (FactChange c : changes) {
      if (c.key() instanceof FactKey.Binding b) {
        rebound.add(b.pod());
      } else if (c.key() instanceof FactKey.Member m) {
        changedSets.add(m.setId());
        members.add(m);
      }
    }
    if (members.isEmpty()) {
      return;
    }
    // Who reads each changed set, in which direction, in either state.
    Map<String, List<Reader>> readers = new HashMap<>();
    for (Map<FactKey, Fact> state : List.of(beforeFacts, facts)) {
      Map<String, PolicyChainFact> chains = new HashMap<>();
      for (Fact f : state.values()) {
        if (f instanceof PolicyChainFact c) {
          chains.put(c.id(), c);
        }
      }
      for (Fact f : state.values()) {
        if (!(f instanceof PodBindingFact b)) {
          continue;
        }
        for (Direction d : Direction.values()) {
          List<String> ids = new ArrayList<>(b.chains(d));
          ids.addAll(b.tiers(d).admin());
          ids.addAll(b.tiers(d).baseline());
          for (String id : ids) {
            PolicyChainFact chain = chains.get(id);
            if (chain == null) {
              continue;
            }
            for (SetRef s : chain.sets()) {
              if (changedSets.contains(s.id())) {
                readers.computeIfAbsent(s.id(), k -> new ArrayList<>()).add(new Reader(b.pod(), d));
              }
            }
          }
        }
      }
    }
    Set<PeerChange> seen = new HashSet<>();
    for (FactKey.Member m : members) {
      SetEntry e = m.entry();
      if (e.prefix().length() != e.prefix().address().bitLength()) {
        continue; // a block: part of its chain's content, so its readers were rebound
      }
      for (Reader r : readers.getOrDefault(m.setId(), List.of())) {
        PeerChange pc = new PeerChange(r.pod(), r.direction(), e.prefix().address());
        if (seen.add(pc)) {
          peerChanges.add(pc);
        }
      }
    }
  }

  private record Reader(ObjectKey pod, Direction direction) {}

  private static void fold(Map<FactKey, Fact> facts, List<FactChange> changes) {
    for (FactChange c : changes) {
      if (c.isRemoval()) {
        facts.remove(c.key());
      } else {
        facts.put(c.key(), c.value());
      }
    }
  }

  private static List<ClusterChange> upserts(List<ClusterObject> objects) {
    return objects.stream()
        .sorted(Comparator.comparingInt((ClusterObject o) -> o.kind().applyOrder()))
        .map(ClusterChange::upsert)
        .toList();
  }

  /** Upserts of what is new or different in {@code after}, then deletions of what it lacks. */
  private static List<ClusterChange> changes(
      List<ClusterObject> before, List<ClusterObject> after) {
    Map<String, ClusterObject> old = new HashMap<>();
    for (ClusterObject o : before) {
      old.put(o.kind() + " " + o.key(), o);
    }
    List<ClusterChange> out = new ArrayList<>();
    Set<String> present = new HashSet<>();
    for (ClusterObject o :
        upserts(after).stream().map(c -> ((ClusterChange.Upsert) c).object()).toList()) {
      String id = o.kind() + " " + o.key();
      present.add(id);
      if (!Objects.equals(old.get(id), o)) {
        out.add(ClusterChange.upsert(o));
      }
    }
    for (ClusterObject o : before) {
      if (!present.contains(o.kind() + " " + o.key())) {
        out.add(ClusterChange.delete(o.kind(), o.key()));
      }
    }
    return out;
  }
}
