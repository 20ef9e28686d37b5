package io.fenceline.applier;

import io.fenceline.core.render.KernelSet;
import io.fenceline.core.render.PayloadDelta;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code ipset restore} inputs of one apply, ordered so that a refusal at any step leaves the
 * previous rules with the set members they had. Pure.
 *
 * <ol>
 *   <li>{@link #prepare()}, before the filter restores: creates the sets that are new (filled at
 *       once: no rule references them yet), adds new members to sets that stay, and fills the
 *       temporary set of every set rebuilt. It never removes a member, swaps or destroys a set the
 *       current rules use.
 *   <li>the filter restores (IPv4, IPv6), each atomic.
 *   <li>{@link #cleanup()}, only after both filter restores succeeded: swaps rebuilt sets in,
 *       removes members that are gone, destroys sets nothing references any more.
 * </ol>
 *
 * If a filter restore is refused, or {@code ipset restore} stops at a line of the prepare input (it
 * is not atomic: the lines before the one it refused took effect), {@link #undo(int)} takes back
 * exactly what those lines did: the added members are removed, the created sets destroyed. While an
 * apply runs, the old rules may see the new members already (additions come first), and the new
 * rules see the old members of a rebuilt set until its swap (removals come last).
 */
public record SetPlan(
    List<String> prepareLines, List<String> undoLines, String cleanup, int added, int removed) {

  public SetPlan {
    prepareLines = List.copyOf(prepareLines);
    undoLines =
        Collections.unmodifiableList(new ArrayList<>(undoLines)); // may hold nulls: nothing to undo
    if (prepareLines.size() != undoLines.size()) {
      throw new IllegalArgumentException("one undo entry per prepare line");
    }
  }

  /** The input before the filter restores; empty when there is nothing to prepare. */
  public String prepare() {
    return prepareLines.isEmpty() ? "" : String.join("\n", prepareLines) + "\n";
  }

  /**
   * Input that takes back the first {@code executed} lines of {@link #prepare()}, last first (empty
   * if nothing to take back). Every line tolerates the absence of what it removes.
   */
  public String undo(int executed) {
    StringBuilder sb = new StringBuilder();
    for (int i = Math.min(executed, undoLines.size()) - 1; i >= 0; i--) {
      if (undoLines.get(i) != null) {
        sb.append(undoLines.get(i)).append('\n');
      }
    }
    return sb.toString();
  }

  /** Takes back all of {@link #prepare()}. */
  public String undoAll() {
    return undo(prepareLines.size());
  }

  /**
   * Everything to make the kernel's sets {@code next}, given what is there: {@code present} maps
   * each owned set the kernel holds to its members, or to null where they are not known (after a
   * restart, or a failure: those sets are rebuilt through their temporary set).
   */
  public static SetPlan of(List<KernelSet> next, Map<String, Set<String>> present) {
    List<String> prepare = new ArrayList<>();
    List<String> undo = new ArrayList<>();
    StringBuilder swaps = new StringBuilder();
    StringBuilder dels = new StringBuilder();
    Set<String> wanted = new HashSet<>();
    Set<String> destroyed = new HashSet<>();
    int added = 0;
    int removed = 0;
    for (KernelSet s : next) {
      wanted.add(s.name());
      if (!present.containsKey(s.name())) {
        // New: created without -exist (a set of that name that someone else made is refused, not
        // adopted with unknown members) and filled directly; destroying it takes back all of it.
        prepare.add("create " + s.name() + " " + s.createOptions());
        undo.add("destroy " + s.name() + " -exist");
        for (String m : s.members()) {
          prepare.add("add " + s.name() + " " + m);
          undo.add(null);
        }
        added += s.members().size();
        continue;
      }
      Set<String> old = present.get(s.name());
      List<String> adds = new ArrayList<>();
      List<String> gone = new ArrayList<>();
      if (old != null) {
        Set<String> now = new HashSet<>(s.members());
        s.members().stream().filter(m -> !old.contains(m)).forEach(adds::add);
        new TreeSet<>(old).stream().filter(m -> !now.contains(m)).forEach(gone::add);
        added += adds.size();
        removed += gone.size();
      } else {
        added += s.members().size();
      }
      if (old == null || adds.size() + gone.size() > PayloadDelta.REBUILD_THRESHOLD) {
        // Rebuilt: the real set must exist with these options (a set of the same name and another
        // type is refused here, before any rule changes); its new content waits in the temporary
        // set.
        prepare.add("create " + s.name() + " " + s.createOptions() + " -exist");
        undo.add(null);
        prepare.add("create " + s.tempName() + " " + s.createOptions() + " -exist");
        undo.add("destroy " + s.tempName() + " -exist");
        prepare.add("flush " + s.tempName());
        undo.add(null);
        for (String m : s.members()) {
          prepare.add("add " + s.tempName() + " " + m);
          undo.add(null);
        }
        swaps.append("swap ").append(s.tempName()).append(' ').append(s.name()).append('\n');
        swaps.append("destroy ").append(s.tempName()).append('\n');
        destroyed.add(s.tempName());
      }
      // Additions go in before the new rules; on a rebuild too, so that the old rules meanwhile see
      // the same union of old and new members as on a patch.
      for (String m : adds) {
        prepare.add("add " + s.name() + " " + m + " -exist");
        undo.add("del " + s.name() + " " + m + " -exist");
      }
      if (old != null && adds.size() + gone.size() <= PayloadDelta.REBUILD_THRESHOLD) {
        for (String m : gone) {
          dels.append("del ").append(s.name()).append(' ').append(m).append(" -exist\n");
        }
      }
    }
    StringBuilder cleanup = new StringBuilder(swaps).append(dels);
    for (String name : new TreeSet<>(present.keySet())) {
      if (!wanted.contains(name) && !destroyed.contains(name)) {
        cleanup.append("destroy ").append(name).append('\n');
        Set<String> old = present.get(name);
        removed += old == null ? 0 : old.size();
      }
    }
    return new SetPlan(prepare, undo, cleanup.toString(), added, removed);
  }

  /**
   * The plan of an apply that knows exactly what changed (an applier patching its sets from the
   * facts it read, see {@code KernelSets}): {@code created} sets are new (created and filled at
   * once), {@code adds} and {@code dels} are entries (ipset text) of sets the kernel keeps, by
   * name, and {@code destroyed} maps each set nothing references any more to its member count. Same
   * order as {@link #of}: creations and additions before the filter restores, removals after.
   */
  public static SetPlan ofChanges(
      List<KernelSet> created,
      Map<String, List<String>> adds,
      Map<String, List<String>> dels,
      Map<String, Integer> destroyed) {
    List<String> prepare = new ArrayList<>();
    List<String> undo = new ArrayList<>();
    int added = 0;
    int removed = 0;
    for (KernelSet s : created) {
      prepare.add("create " + s.name() + " " + s.createOptions());
      undo.add("destroy " + s.name() + " -exist");
      for (String m : s.members()) {
        prepare.add("add " + s.name() + " " + m);
        undo.add(null);
      }
      added += s.members().size();
    }
    for (Map.Entry<String, List<String>> e : new TreeMap<>(adds).entrySet()) {
      for (String m : exceptsFirst(e.getValue(), true)) {
        prepare.add("add " + e.getKey() + " " + m + " -exist");
        undo.add("del " + e.getKey() + " " + m + " -exist");
      }
      added += e.getValue().size();
    }
    StringBuilder cleanup = new StringBuilder();
    for (Map.Entry<String, List<String>> e : new TreeMap<>(dels).entrySet()) {
      for (String m : exceptsFirst(e.getValue(), false)) {
        cleanup.append("del ").append(e.getKey()).append(' ').append(m).append(" -exist\n");
      }
      removed += e.getValue().size();
    }
    for (Map.Entry<String, Integer> e : new TreeMap<>(destroyed).entrySet()) {
      cleanup.append("destroy ").append(e.getKey()).append('\n');
      removed += e.getValue();
    }
    return new SetPlan(prepare, undo, cleanup.toString(), added, removed);
  }

  /**
   * {@code ipset restore} runs line by line, and a set the rules use sees every line as it runs: an
   * except ({@code nomatch}) goes in before the blocks and out after them, so no moment allows an
   * excepted range.
   */
  private static List<String> exceptsFirst(List<String> members, boolean adding) {
    List<String> out = new ArrayList<>(members.size());
    for (String m : members) {
      if (m.endsWith(" nomatch") == adding) {
        out.add(m);
      }
    }
    for (String m : members) {
      if (m.endsWith(" nomatch") != adding) {
        out.add(m);
      }
    }
    return out;
  }

  /** What the kernel holds when only the names are known (members unknown: rebuilt). */
  public static Map<String, Set<String>> namesOnly(Set<String> names) {
    Map<String, Set<String>> m = new java.util.HashMap<>();
    names.forEach(n -> m.put(n, null));
    return m;
  }

  /** What the kernel holds after {@code sets} were applied. */
  public static Map<String, Set<String>> of(List<KernelSet> sets) {
    Map<String, Set<String>> m = new java.util.HashMap<>();
    sets.forEach(s -> m.put(s.name(), new HashSet<>(s.members())));
    return m;
  }
}
