package io.fenceline.applier.kernel;

import io.fenceline.core.model.IpAddress;
import io.fenceline.core.render.KernelNames;
import io.fenceline.core.render.PayloadDelta;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The real kernel through ipset, iptables-restore and conntrack (on the host or in a netns). */
public final class ProcessNetfilter implements Netfilter {
  static final String JUMP_COMMENT = "fenceline: NetworkPolicy enforcement";

  private final CommandRunner runner;
  private final IptablesBackend backend;

  public ProcessNetfilter(CommandRunner runner, IptablesBackend backend) {
    this.runner = runner;
    this.backend = backend;
  }

  public IptablesBackend backend() {
    return backend;
  }

  @Override
  public PayloadDelta.Inventory inventory() {
    Set<String> sets = new TreeSet<>();
    for (String line : runner.check(List.of("ipset", "list", "-n"), null).split("\n")) {
      if (line.startsWith(KernelNames.PREFIX)) {
        sets.add(line.strip());
      }
    }
    return new PayloadDelta.Inventory(ruleCounts(4).keySet(), ruleCounts(6).keySet(), sets);
  }

  @Override
  public boolean hasForwardJump(int family) {
    CommandRunner.Result r =
        runner.run(
            List.of(
                backend.tool(family, ""),
                "-t",
                "filter",
                "-C",
                "FORWARD",
                "-m",
                "comment",
                "--comment",
                JUMP_COMMENT,
                "-j",
                KernelNames.ROOT_CHAIN),
            null);
    return r.exitCode() == 0;
  }

  @Override
  public void ipsetRestore(String input) {
    if (!input.isEmpty()) {
      runner.check(List.of("ipset", "restore"), input);
    }
  }

  @Override
  public void filterRestore(int family, String input) {
    if (!input.isEmpty()) {
      runner.check(List.of(backend.tool(family, "restore"), "--noflush"), input);
    }
  }

  @Override
  public void conntrackDelete(IpAddress ip) {
    conntrackDelete(List.of(ip));
  }

  /**
   * One {@code conntrack -D} per address and direction (the tool matches one of them per call), all
   * started at once: the wait is that of the slowest, not of their sum.
   */
  @Override
  public void conntrackDelete(java.util.Collection<IpAddress> ips) {
    List<List<String>> commands = new java.util.ArrayList<>();
    for (IpAddress ip : ips) {
      String family = ip.isV4() ? "ipv4" : "ipv6";
      for (String dir : new String[] {"-s", "-d"}) {
        commands.add(List.of("conntrack", "-D", "-f", family, dir, ip.toString()));
      }
    }
    List<CommandRunner.Result> results = runner.runAll(commands);
    for (int i = 0; i < results.size(); i++) {
      CommandRunner.Result r = results.get(i);
      // conntrack exits 1 when no entry matched: that is not an error.
      if (r.exitCode() != 0 && r.exitCode() != 1) {
        throw new CommandFailedException(
            runner.commandLine(commands.get(i)), r.exitCode(), r.stderr());
      }
    }
  }

  @Override
  public Map<String, Integer> ruleCounts(int family) {
    String save = runner.check(List.of(backend.tool(family, "save"), "-t", "filter"), null);
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String line : save.split("\n")) {
      if (line.startsWith(":" + KernelNames.PREFIX)) {
        counts.putIfAbsent(line.substring(1, line.indexOf(' ')), 0);
      } else if (line.startsWith("-A " + KernelNames.PREFIX)) {
        String chain = line.substring(3, line.indexOf(' ', 3));
        counts.merge(chain, 1, Integer::sum);
      }
    }
    return counts;
  }

  @Override
  public Map<String, List<String>> ownedRules(int family) {
    String save = runner.check(List.of(backend.tool(family, "save"), "-t", "filter"), null);
    Map<String, List<String>> rules = new LinkedHashMap<>();
    for (String line : save.split("\n")) {
      if (line.startsWith(":" + KernelNames.PREFIX)) {
        rules.putIfAbsent(line.substring(1, line.indexOf(' ')), new java.util.ArrayList<>());
      } else if (line.startsWith("-A " + KernelNames.PREFIX)) {
        rules
            .computeIfAbsent(
                line.substring(3, line.indexOf(' ', 3)), c -> new java.util.ArrayList<>())
            .add(line);
      }
    }
    return rules;
  }

  @Override
  public Map<String, Integer> setSizes() {
    Map<String, Integer> sizes = new TreeMap<>();
    for (String line : runner.check(List.of("ipset", "save"), null).split("\n")) {
      String[] parts = line.split(" ", 3);
      if (parts.length >= 2 && parts[1].startsWith(KernelNames.PREFIX)) {
        if (parts[0].equals("create")) {
          sizes.putIfAbsent(parts[1], 0);
        } else if (parts[0].equals("add")) {
          sizes.merge(parts[1], 1, Integer::sum);
        }
      }
    }
    return sizes;
  }

  /** The first rule of FORWARD is fenceline's jump (other agents insert at the top too). */
  public boolean jumpIsFirst(int family) {
    String rules =
        runner.check(List.of(backend.tool(family, ""), "-t", "filter", "-S", "FORWARD"), null);
    return rules
        .lines()
        .filter(l -> l.startsWith("-A FORWARD"))
        .findFirst()
        .map(l -> l.endsWith("-j " + KernelNames.ROOT_CHAIN))
        .orElse(false);
  }

  @Override
  public void removeAll() {
    for (int family : new int[] {4, 6}) {
      while (hasForwardJump(family)) {
        runner.check(
            List.of(
                backend.tool(family, ""),
                "-t",
                "filter",
                "-D",
                "FORWARD",
                "-m",
                "comment",
                "--comment",
                JUMP_COMMENT,
                "-j",
                KernelNames.ROOT_CHAIN),
            null);
      }
      Set<String> chains = new HashSet<>(ruleCounts(family).keySet());
      if (!chains.isEmpty()) {
        StringBuilder sb = new StringBuilder("*filter\n");
        chains.forEach(c -> sb.append(':').append(c).append(" - [0:0]\n"));
        chains.forEach(c -> sb.append("-X ").append(c).append('\n'));
        filterRestore(family, sb.append("COMMIT\n").toString());
      }
    }
    StringBuilder sb = new StringBuilder();
    inventory().sets().forEach(s -> sb.append("destroy ").append(s).append('\n'));
    ipsetRestore(sb.toString());
  }
}
