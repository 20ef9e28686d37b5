package io.fenceline.applier.sync;

import io.fenceline.applier.SetPlan;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.facts.SetEntry;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.render.KernelSet;
import io.fenceline.core.render.SetSlot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The sets the kernel holds after the last successful apply, with their entries, and the patch from
 * there to the next state. A patch is computed from the entries the facts touched since that apply,
 * so its cost grows with what changed, never with the members the node holds.
 */
final class KernelSets {
  private record Held(SetSlot slot, SortedSet<SetEntry> entries) {}

  /**
   * What one apply does to the sets: sets created (with their entries), entries added to and
   * removed from sets that stay, sets destroyed. {@link #plan()} orders it for the kernel.
   */
  record Patch(
      Map<String, Held> created,
      Map<String, List<SetEntry>> adds,
      Map<String, List<SetEntry>> dels,
      Map<String, Held> destroyed) {

    SetPlan plan() {
      List<KernelSet> create = new ArrayList<>();
      created.values().forEach(h -> create.add(h.slot().withMembers(h.entries())));
      Map<String, Integer> destroyedSizes = new TreeMap<>();
      destroyed.forEach((name, h) -> destroyedSizes.put(name, h.entries().size()));
      return SetPlan.ofChanges(create, text(adds), text(dels), destroyedSizes);
    }

    /**
     * Hosts whose entries left a set (a reused IP must not inherit a flow the old rule allowed).
     */
    Set<IpAddress> goneHosts() {
      Set<IpAddress> out = new TreeSet<>();
      dels.values().forEach(es -> es.forEach(e -> addHost(out, e)));
      destroyed.values().forEach(h -> h.entries().forEach(e -> addHost(out, e)));
      return out;
    }

    private static void addHost(Set<IpAddress> out, SetEntry e) {
      if (e.prefix().length() == e.prefix().address().bitLength()) {
        out.add(e.prefix().address());
      }
    }

    private static Map<String, List<String>> text(Map<String, List<SetEntry>> entries) {
      Map<String, List<String>> out = new TreeMap<>();
      entries.forEach((name, es) -> out.put(name, es.stream().map(SetEntry::ipsetText).toList()));
      return out;
    }
  }

  private Map<String, Held> held = new HashMap<>();
  private List<SetSlot> order = List.of();
  private long members;

  /**
   * After a full apply: the kernel holds exactly the sets of {@code slots} with {@code model}'s
   * members.
   */
  void reset(List<SetSlot> slots, NodeModel model) {
    Map<String, Held> next = new HashMap<>();
    long count = 0;
    for (SetSlot slot : slots) {
      SortedSet<SetEntry> entries = new TreeSet<>();
      for (SetEntry e : model.sets().getOrDefault(slot.ref(), new TreeSet<>())) {
        if (slot.holds(e)) {
          entries.add(e);
        }
      }
      next.put(slot.name(), new Held(slot, entries));
      count += entries.size();
    }
    held = next;
    order = List.copyOf(slots);
    members = count;
  }

  /**
   * Hosts held now that {@code next} no longer holds in the same set (for a full apply's
   * conntrack).
   */
  Set<IpAddress> goneHosts(List<SetSlot> slots, NodeModel next) {
    Map<String, Held> after = new HashMap<>();
    for (SetSlot slot : slots) {
      after.put(slot.name(), new Held(slot, next.sets().getOrDefault(slot.ref(), new TreeSet<>())));
    }
    Map<String, List<SetEntry>> dels = new HashMap<>();
    Map<String, Held> destroyed = new HashMap<>();
    held.forEach(
        (name, h) -> {
          Held a = after.get(name);
          if (a == null) {
            destroyed.put(name, h);
          } else {
            dels.put(name, h.entries().stream().filter(e -> !a.entries().contains(e)).toList());
          }
        });
    return new Patch(Map.of(), Map.of(), dels, destroyed).goneHosts();
  }

  /**
   * The patch to the sets of {@code slots}: new sets are filled from {@code desired}; in sets that
   * stay only the {@code touched} entries (by set id) are compared, desired against held.
   */
  Patch patch(List<SetSlot> slots, DesiredNode desired, Map<String, Set<SetEntry>> touched) {
    Map<String, Held> created = new TreeMap<>();
    Map<String, List<SetEntry>> adds = new TreeMap<>();
    Map<String, List<SetEntry>> dels = new TreeMap<>();
    Map<String, SetSlot> wanted = new HashMap<>();
    for (SetSlot slot : slots) {
      wanted.put(slot.name(), slot);
      Held h = held.get(slot.name());
      if (h == null) {
        SortedSet<SetEntry> entries = new TreeSet<>();
        for (SetEntry e : desired.members(slot.ref().id())) {
          if (slot.holds(e)) {
            entries.add(e);
          }
        }
        created.put(slot.name(), new Held(slot, entries));
        continue;
      }
      Set<SetEntry> changed = touched.get(slot.ref().id());
      if (changed == null) {
        continue;
      }
      SortedSet<SetEntry> now = desired.members(slot.ref().id());
      for (SetEntry e : new TreeSet<>(changed)) {
        if (!slot.holds(e)) {
          continue;
        }
        boolean want = now.contains(e);
        if (want && !h.entries().contains(e)) {
          adds.computeIfAbsent(slot.name(), k -> new ArrayList<>()).add(e);
        } else if (!want && h.entries().contains(e)) {
          dels.computeIfAbsent(slot.name(), k -> new ArrayList<>()).add(e);
        }
      }
    }
    Map<String, Held> destroyed = new TreeMap<>();
    held.forEach(
        (name, h) -> {
          if (!wanted.containsKey(name)) {
            destroyed.put(name, h);
          }
        });
    return new Patch(created, adds, dels, destroyed);
  }

  /** The kernel accepted {@code p}: hold what it made, in the order of {@code slots}. */
  void commit(Patch p, List<SetSlot> slots) {
    p.destroyed()
        .forEach(
            (name, h) -> {
              held.remove(name);
              members -= h.entries().size();
            });
    p.created()
        .forEach(
            (name, h) -> {
              held.put(name, h);
              members += h.entries().size();
            });
    p.adds()
        .forEach(
            (name, es) -> {
              held.get(name).entries().addAll(es);
              members += es.size();
            });
    p.dels()
        .forEach(
            (name, es) -> {
              es.forEach(held.get(name).entries()::remove);
              members -= es.size();
            });
    order = List.copyOf(slots);
  }

  /**
   * The sets as the kernel holds them, in render order (members sorted as the renderer sorts them).
   */
  List<KernelSet> sets() {
    List<KernelSet> out = new ArrayList<>();
    for (SetSlot slot : order) {
      out.add(slot.withMembers(held.get(slot.name()).entries()));
    }
    return out;
  }

  /** Entries of each held set, by name (for the drift check). */
  Map<String, Integer> sizes() {
    Map<String, Integer> out = new HashMap<>();
    held.forEach((name, h) -> out.put(name, h.entries().size()));
    return out;
  }

  long members() {
    return members;
  }
}
