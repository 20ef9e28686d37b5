package io.fenceline.applier.sync;

import io.fenceline.applier.kernel.Netfilter;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.render.PayloadDelta;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A kernel in memory that applies restore inputs line by line, keeping what they would leave: each
 * set with its members, each chain with its rules, the FORWARD jumps. It is as strict as the tools
 * where an applier could go wrong: adding a member twice or removing one that is absent (without
 * {@code -exist}), creating a set that exists, appending to a chain that does not exist, all throw.
 * For unit tests that compare the state an applier's steps leave with a full render; the tests that
 * claim enforcement run the real tools in network namespaces.
 */
class TextKernel implements Netfilter {
  final Map<String, Set<String>> sets = new TreeMap<>();
  final Map<Integer, Map<String, List<String>>> chains =
      Map.of(4, new TreeMap<>(), 6, new TreeMap<>());
  final Map<Integer, Boolean> jump = new HashMap<>(Map.of(4, false, 6, false));
  final Set<IpAddress> conntrackDeleted = new TreeSet<>();

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
    for (String line : input.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      List<String> p = new ArrayList<>(Arrays.asList(line.split(" ")));
      boolean exist = p.get(p.size() - 1).equals("-exist");
      if (exist) {
        p.remove(p.size() - 1);
      }
      String name = p.get(1);
      switch (p.get(0)) {
        case "create" -> {
          if (sets.containsKey(name) && !exist) {
            throw new IllegalStateException("set exists: " + line);
          }
          sets.putIfAbsent(name, new TreeSet<>());
        }
        case "add", "del" -> {
          Set<String> s = sets.get(name);
          if (s == null) {
            throw new IllegalStateException("no such set: " + line);
          }
          String member = String.join(" ", p.subList(2, p.size()));
          boolean changed = p.get(0).equals("add") ? s.add(member) : s.remove(member);
          if (!changed && !exist) {
            throw new IllegalStateException(
                "element " + (p.get(0).equals("add") ? "already added" : "absent") + ": " + line);
          }
        }
        case "flush" -> need(name, line).clear();
        case "swap" -> {
          Set<String> a = need(name, line);
          sets.put(name, need(p.get(2), line));
          sets.put(p.get(2), a);
        }
        case "destroy" -> {
          if (sets.remove(name) == null && !exist) {
            throw new IllegalStateException("no such set: " + line);
          }
        }
        default -> throw new IllegalStateException("unknown ipset command: " + line);
      }
    }
  }

  private Set<String> need(String name, String line) {
    Set<String> s = sets.get(name);
    if (s == null) {
      throw new IllegalStateException("no such set: " + line);
    }
    return s;
  }

  @Override
  public void filterRestore(int family, String input) {
    Map<String, List<String>> c = chains.get(family);
    for (String line : input.split("\n")) {
      if (line.isEmpty()
          || line.startsWith("#")
          || line.equals("*filter")
          || line.equals("COMMIT")) {
        continue;
      }
      if (line.startsWith(":")) {
        c.put(line.substring(1, line.indexOf(' ')), new ArrayList<>());
      } else if (line.startsWith("-X ")) {
        if (c.remove(line.substring(3).strip()) == null) {
          throw new IllegalStateException("no such chain: " + line);
        }
      } else if (line.startsWith("-A ")) {
        List<String> rules = c.get(line.substring(3, line.indexOf(' ', 3)));
        if (rules == null) {
          throw new IllegalStateException("no such chain: " + line);
        }
        rules.add(line);
      } else if (line.startsWith("-I FORWARD")) {
        jump.put(family, true);
      } else {
        throw new IllegalStateException("unexpected restore line: " + line);
      }
    }
  }

  @Override
  public void conntrackDelete(IpAddress ip) {
    conntrackDeleted.add(ip);
  }

  @Override
  public Map<String, Integer> ruleCounts(int family) {
    Map<String, Integer> out = new LinkedHashMap<>();
    chains.get(family).forEach((k, v) -> out.put(k, v.size()));
    return out;
  }

  @Override
  public Map<String, List<String>> ownedRules(int family) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    chains.get(family).forEach((k, v) -> out.put(k, List.copyOf(v)));
    return out;
  }

  @Override
  public Map<String, Integer> setSizes() {
    Map<String, Integer> out = new TreeMap<>();
    sets.forEach((k, v) -> out.put(k, v.size()));
    return out;
  }

  @Override
  public void removeAll() {
    sets.clear();
    chains.values().forEach(Map::clear);
    jump.replaceAll((k, v) -> false);
  }
}
