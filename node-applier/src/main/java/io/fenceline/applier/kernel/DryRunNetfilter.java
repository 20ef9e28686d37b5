package io.fenceline.applier.kernel;

import io.fenceline.core.model.IpAddress;
import io.fenceline.core.render.PayloadDelta;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Touches no kernel: every restore input is written under {@code dir/deltas/} (numbered, in the
 * order a real apply would run them), and the state those inputs would leave is tracked so that
 * inventory and drift checks behave as on a node. {@link #inMemory()} tracks the state only and
 * writes nothing (the simulator's appliers).
 */
public final class DryRunNetfilter implements Netfilter {
  private final Path deltas;
  private final Map<Integer, Map<String, Integer>> chains =
      new HashMap<>(Map.of(4, new LinkedHashMap<>(), 6, new LinkedHashMap<>()));
  private final Map<Integer, Boolean> jump = new HashMap<>(Map.of(4, false, 6, false));
  private final Map<String, Integer> sets = new TreeMap<>();
  private int seq;

  public DryRunNetfilter(Path nodeDir) {
    this.deltas = nodeDir.resolve("deltas");
  }

  private DryRunNetfilter() {
    this.deltas = null;
  }

  /**
   * Tracks what the restores would leave (rule counts, set sizes, the jumps) and writes no file.
   */
  public static DryRunNetfilter inMemory() {
    return new DryRunNetfilter();
  }

  private void write(String name, String content) {
    if (deltas == null) {
      return;
    }
    try {
      Files.createDirectories(deltas);
      Files.writeString(
          deltas.resolve(String.format("%06d-%s", ++seq, name)), content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write dry-run delta under " + deltas + ": " + e.getMessage(), e);
    }
  }

  @Override
  public PayloadDelta.Inventory inventory() {
    return new PayloadDelta.Inventory(
        new TreeSet<>(chains.get(4).keySet()),
        new TreeSet<>(chains.get(6).keySet()),
        new TreeSet<>(sets.keySet()));
  }

  @Override
  public boolean hasForwardJump(int family) {
    return jump.get(family);
  }

  @Override
  public void ipsetRestore(String input) {
    if (input.isEmpty()) {
      return;
    }
    write("ipset.restore", input);
    for (String line : input.split("\n")) {
      String[] p = line.split(" ");
      switch (p[0]) {
        case "create" -> sets.putIfAbsent(p[1], 0);
        case "flush" -> sets.put(p[1], 0);
        case "add" -> sets.merge(p[1], 1, Integer::sum);
        case "del" -> sets.merge(p[1], -1, Integer::sum);
        case "destroy" -> sets.remove(p[1]);
        case "swap" -> {
          Integer a = sets.get(p[1]);
          sets.put(p[1], sets.get(p[2]));
          sets.put(p[2], a);
        }
        default -> {}
      }
    }
  }

  @Override
  public void filterRestore(int family, String input) {
    if (input.isEmpty()) {
      return;
    }
    write(family == 4 ? "iptables.restore" : "ip6tables.restore", input);
    Map<String, Integer> c = chains.get(family);
    for (String line : input.split("\n")) {
      if (line.startsWith(":")) {
        c.put(line.substring(1, line.indexOf(' ')), 0);
      } else if (line.startsWith("-X ")) {
        c.remove(line.substring(3).strip());
      } else if (line.startsWith("-A ")) {
        c.merge(line.substring(3, line.indexOf(' ', 3)), 1, Integer::sum);
      } else if (line.startsWith("-I FORWARD")) {
        jump.put(family, true);
      }
    }
  }

  @Override
  public void conntrackDelete(IpAddress ip) {
    // no kernel, no conntrack
  }

  @Override
  public Map<String, Integer> ruleCounts(int family) {
    return new LinkedHashMap<>(chains.get(family));
  }

  /**
   * Chain names only: a dry run tracks rule counts, not rules (it never refuses a restore to roll
   * back).
   */
  @Override
  public Map<String, java.util.List<String>> ownedRules(int family) {
    Map<String, java.util.List<String>> rules = new LinkedHashMap<>();
    chains.get(family).keySet().forEach(c -> rules.put(c, java.util.List.of()));
    return rules;
  }

  @Override
  public Map<String, Integer> setSizes() {
    return new TreeMap<>(sets);
  }

  @Override
  public void removeAll() {
    chains.values().forEach(Map::clear);
    jump.replaceAll((k, v) -> false);
    sets.clear();
    write("uninstall", "everything fenceline owned was removed\n");
  }

  Set<String> setNames() {
    return sets.keySet();
  }
}
