package io.fenceline.it.containers;

import io.fenceline.cli.Main;
import io.fenceline.cli.io.PayloadWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Expected payloads ({@code fenceline compile}, in-process) and comparisons with what containers
 * produced.
 */
final class Payloads {
  private Payloads() {}

  /**
   * {@code fenceline compile --manifests M --out OUT} in this JVM; returns node name -> payload
   * folder.
   */
  static Map<String, Path> compile(Path manifests, Path out) {
    StringWriter err = new StringWriter();
    int exit =
        Main.commandLine()
            .setErr(new PrintWriter(err))
            .setOut(new PrintWriter(new StringWriter()))
            .execute("compile", "--manifests", manifests.toString(), "--out", out.toString());
    if (exit != 0) {
      throw new AssertionError("fenceline compile exited " + exit + ": " + err);
    }
    Map<String, Path> nodes = new TreeMap<>();
    try (Stream<Path> s = Files.list(out)) {
      s.filter(Files::isDirectory).forEach(d -> nodes.put(d.getFileName().toString(), d));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return nodes;
  }

  /**
   * The first difference between a node's payload files in {@code actual} and {@code expected}, or
   * empty when every file of the compile contract is byte-for-byte equal.
   */
  static Optional<String> difference(String node, Path actual, Path expected) {
    for (String f : PayloadWriter.FILES) {
      Path a = actual.resolve(f);
      Path e = expected.resolve(f);
      try {
        if (!Files.isRegularFile(a)) {
          return Optional.of(node + "/" + f + ": not written (yet)");
        }
        String as = Files.readString(a);
        String es = Files.readString(e);
        if (!as.equals(es)) {
          return Optional.of(
              node
                  + "/"
                  + f
                  + " differs from compile:\n--- container\n"
                  + as
                  + "\n--- compile\n"
                  + es);
        }
      } catch (IOException ex) {
        return Optional.of(node + "/" + f + ": " + ex.getMessage());
      }
    }
    return Optional.empty();
  }

  /**
   * {@code SET member [nomatch]} for every member an {@code ipset.restore} payload leaves in a FNL
   * set.
   */
  static TreeSet<String> expectedSetMembers(Path ipsetRestore) throws IOException {
    TreeSet<String> members = new TreeSet<>();
    for (String line : Files.readAllLines(ipsetRestore)) {
      String[] w = line.strip().split("\\s+");
      if (w.length >= 3 && w[0].equals("add")) {
        String set = w[1].endsWith("-T") ? w[1].substring(0, w[1].length() - 2) : w[1];
        members.add(set + " " + String.join(" ", List.of(w).subList(2, w.length)));
      }
    }
    return members;
  }

  /** The same from {@code ipset save} output (only FNL sets). */
  static TreeSet<String> savedSetMembers(String ipsetSave) {
    TreeSet<String> members = new TreeSet<>();
    for (String line : ipsetSave.lines().toList()) {
      String[] w = line.strip().split("\\s+");
      if (w.length >= 3 && w[0].equals("add") && w[1].startsWith("FNL-")) {
        members.add(w[1] + " " + String.join(" ", List.of(w).subList(2, w.length)));
      }
    }
    return members;
  }

  /**
   * FNL set names a payload creates (its temporary -T sets are destroyed by the payload itself).
   */
  static TreeSet<String> expectedSets(Path ipsetRestore) throws IOException {
    TreeSet<String> sets = new TreeSet<>();
    for (String line : Files.readAllLines(ipsetRestore)) {
      String[] w = line.strip().split("\\s+");
      if (w.length >= 2 && w[0].equals("create") && !w[1].endsWith("-T")) {
        sets.add(w[1]);
      }
    }
    return sets;
  }

  /**
   * FNL chain -> number of rules, from an iptables-restore payload or from iptables-save output.
   */
  static TreeMap<String, Integer> fnlChainRuleCounts(String iptables) {
    TreeMap<String, Integer> chains = new TreeMap<>();
    for (String line : iptables.lines().toList()) {
      if (line.startsWith(":FNL-")) {
        chains.putIfAbsent(line.substring(1, line.indexOf(' ')), 0);
      } else if (line.startsWith("-A FNL-")) {
        String chain = line.split("\\s+")[1];
        chains.merge(chain, 1, Integer::sum);
      }
    }
    return chains;
  }

  /** The rules of the built-in FORWARD chain in iptables-save output. */
  static List<String> forwardRules(String iptablesSave) {
    List<String> rules = new ArrayList<>();
    for (String line : iptablesSave.lines().toList()) {
      if (line.startsWith("-A FORWARD ")) {
        rules.add(line);
      }
    }
    return rules;
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
