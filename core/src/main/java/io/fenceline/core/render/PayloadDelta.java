package io.fenceline.core.render;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an applier feeds the kernel to go from one state to the next, touching only what changed:
 * {@code ipset restore} of new and changed sets, then {@code iptables-restore --noflush} (and the
 * IPv6 twin) carrying only new and changed chains and deleting chains no longer wanted, then {@code
 * ipset restore} destroying sets nothing references any more. Pure.
 */
public final class PayloadDelta {
  /** Above this many member changes a set is rebuilt (temporary set + swap) instead of patched. */
  public static final int REBUILD_THRESHOLD = 256;

  /** What is in the kernel now: the names of owned chains per family and owned sets. */
  public record Inventory(Set<String> chains4, Set<String> chains6, Set<String> sets) {
    public static final Inventory EMPTY = new Inventory(Set.of(), Set.of(), Set.of());

    public Set<String> chains(int family) {
      return family == 4 ? chains4 : chains6;
    }

    public static Inventory of(RenderedNode n) {
      Set<String> sets = new HashSet<>();
      n.sets().forEach(s -> sets.add(s.name()));
      return new Inventory(n.chains4().keySet(), n.chains6().keySet(), sets);
    }
  }

  /**
   * The steps of one change; an empty string is a step to skip. {@code removedMembers} and {@code
   * addedMembers} count set entries; {@code changedChains} counts chains written or deleted.
   */
  public record Delta(
      String ipsetPrepare,
      String filter4,
      String filter6,
      String ipsetCleanup,
      int changedChains,
      int addedMembers,
      int removedMembers) {
    public boolean isEmpty() {
      return ipsetPrepare.isEmpty()
          && filter4.isEmpty()
          && filter6.isEmpty()
          && ipsetCleanup.isEmpty();
    }
  }

  private PayloadDelta() {}

  /**
   * Everything needed to make the kernel hold exactly {@code next}, whatever fenceline left there
   * before ({@code present}): every set rebuilt, every chain written, owned leftovers removed.
   */
  public static Delta full(
      RenderedNode next, Inventory present, boolean addJump4, boolean addJump6) {
    StringBuilder prepare = new StringBuilder();
    int added = 0;
    for (KernelSet s : next.sets()) {
      PayloadText.rebuild(prepare, s);
      added += s.members().size();
    }
    Set<String> wanted = new HashSet<>();
    next.sets().forEach(s -> wanted.add(s.name()));
    String f4 = filter(next, 4, next.chains4().keySet(), present.chains4(), addJump4);
    String f6 = filter(next, 6, next.chains6().keySet(), present.chains6(), addJump6);
    StringBuilder cleanup = new StringBuilder();
    for (String s : new TreeSet<>(present.sets())) {
      if (!wanted.contains(s)) {
        cleanup.append("destroy ").append(s).append('\n');
      }
    }
    int chains = next.chains4().size() + next.chains6().size();
    return new Delta(prepare.toString(), f4, f6, cleanup.toString(), chains, added, 0);
  }

  /** Only what differs between {@code prev} (what the kernel holds) and {@code next}. */
  public static Delta between(
      RenderedNode prev, RenderedNode next, boolean addJump4, boolean addJump6) {
    Map<String, KernelSet> before = new HashMap<>();
    prev.sets().forEach(s -> before.put(s.name(), s));
    StringBuilder prepare = new StringBuilder();
    int added = 0;
    int removed = 0;
    Set<String> wanted = new HashSet<>();
    for (KernelSet s : next.sets()) {
      wanted.add(s.name());
      KernelSet old = before.get(s.name());
      if (old == null) {
        PayloadText.rebuild(prepare, s);
        added += s.members().size();
        continue;
      }
      Set<String> oldMembers = new HashSet<>(old.members());
      Set<String> newMembers = new HashSet<>(s.members());
      List<String> adds = new ArrayList<>();
      List<String> dels = new ArrayList<>();
      for (String m : s.members()) {
        if (!oldMembers.contains(m)) {
          adds.add(m);
        }
      }
      for (String m : old.members()) {
        if (!newMembers.contains(m)) {
          dels.add(m);
        }
      }
      added += adds.size();
      removed += dels.size();
      if (adds.size() + dels.size() > REBUILD_THRESHOLD) {
        PayloadText.rebuild(prepare, s);
        continue;
      }
      for (String m : dels) {
        prepare.append("del ").append(s.name()).append(' ').append(m).append(" -exist\n");
      }
      for (String m : adds) {
        prepare.append("add ").append(s.name()).append(' ').append(m).append(" -exist\n");
      }
    }
    Set<String> changed4 = changedChains(prev.chains4(), next.chains4());
    Set<String> changed6 = changedChains(prev.chains6(), next.chains6());
    String f4 = filter(next, 4, changed4, prev.chains4().keySet(), addJump4);
    String f6 = filter(next, 6, changed6, prev.chains6().keySet(), addJump6);
    StringBuilder cleanup = new StringBuilder();
    for (String s : new TreeSet<>(before.keySet())) {
      if (!wanted.contains(s)) {
        cleanup.append("destroy ").append(s).append('\n');
        removed += before.get(s).members().size();
      }
    }
    int chains =
        changed4.size()
            + changed6.size()
            + removedCount(prev.chains4(), next.chains4())
            + removedCount(prev.chains6(), next.chains6());
    return new Delta(prepare.toString(), f4, f6, cleanup.toString(), chains, added, removed);
  }

  /**
   * Only the filter steps between {@code prev} and {@code next} (their chains; their sets are not
   * read): for an applier that patches its sets itself, from the fact changes it read.
   */
  public static Delta chainsBetween(RenderedNode prev, RenderedNode next) {
    Set<String> changed4 = changedChains(prev.chains4(), next.chains4());
    Set<String> changed6 = changedChains(prev.chains6(), next.chains6());
    String f4 = filter(next, 4, changed4, prev.chains4().keySet(), false);
    String f6 = filter(next, 6, changed6, prev.chains6().keySet(), false);
    int chains =
        changed4.size()
            + changed6.size()
            + removedCount(prev.chains4(), next.chains4())
            + removedCount(prev.chains6(), next.chains6());
    return new Delta("", f4, f6, "", chains, 0, 0);
  }

  private static int removedCount(Map<String, List<String>> prev, Map<String, List<String>> next) {
    return (int) prev.keySet().stream().filter(c -> !next.containsKey(c)).count();
  }

  private static Set<String> changedChains(
      Map<String, List<String>> prev, Map<String, List<String>> next) {
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, List<String>> e : next.entrySet()) {
      if (!e.getValue().equals(prev.get(e.getKey()))) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /**
   * Writes the chains in {@code write} (declaring a chain flushes it under --noflush), deletes
   * owned chains in {@code present} that {@code next} no longer has, and adds the FORWARD jump if
   * asked. Empty when there is nothing to do.
   */
  private static String filter(
      RenderedNode next, int family, Set<String> write, Set<String> present, boolean addJump) {
    Map<String, List<String>> chains = next.chains(family);
    List<String> remove = new ArrayList<>();
    for (String c : new TreeSet<>(present)) {
      if (!chains.containsKey(c)) {
        remove.add(c);
      }
    }
    if (write.isEmpty() && remove.isEmpty() && !addJump) {
      return "";
    }
    StringBuilder sb =
        new StringBuilder(PayloadText.header(next.node(), family)).append("*filter\n");
    for (String c : chains.keySet()) {
      if (write.contains(c)) {
        sb.append(':').append(c).append(" - [0:0]\n");
      }
    }
    for (String c : remove) {
      sb.append(':').append(c).append(" - [0:0]\n");
    }
    for (Map.Entry<String, List<String>> e : chains.entrySet()) {
      if (write.contains(e.getKey())) {
        e.getValue().forEach(r -> sb.append(r).append('\n'));
      }
    }
    for (String c : remove) {
      sb.append("-X ").append(c).append('\n');
    }
    if (addJump) {
      sb.append(next.forwardJump()).append('\n');
    }
    return sb.append("COMMIT\n").toString();
  }
}
