package io.fenceline.sandbox;

import io.fenceline.applier.kernel.CommandFailedException;
import io.fenceline.applier.kernel.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Netfilter inside one node namespace: apply a payload, remove everything fenceline owns, dump. */
final class NodeFirewall {

  static final String OWNED = "FNL-";

  private final String ns;

  NodeFirewall(String ns) {
    this.ns = ns;
  }

  /**
   * ipset restore, then iptables-restore --noflush, then ip6tables-restore --noflush, each from its
   * file in {@code dir}; a missing file is skipped. Throws {@link CommandFailedException} on the
   * first failure.
   */
  void apply(Path dir) {
    restore(dir.resolve("ipset.restore"), "ipset", "restore");
    restore(dir.resolve("iptables.restore"), "iptables-restore", "--noflush");
    restore(dir.resolve("ip6tables.restore"), "ip6tables-restore", "--noflush");
  }

  /**
   * Deletes the jumps from built-in filter chains into FNL-* chains, flushes and deletes every
   * FNL-* chain (IPv4 and IPv6), destroys every FNL-* ipset, flushes conntrack. Nothing else is
   * touched.
   */
  void reset() {
    resetFamily("iptables", "iptables-restore");
    resetFamily("ip6tables", "ip6tables-restore");
    List<String> destroy = new ArrayList<>();
    for (String set : CommandRunner.inNetns(ns).check("ipset", "list", "-n").split("\n")) {
      if (set.strip().startsWith(OWNED)) {
        destroy.add("destroy " + set.strip());
      }
    }
    if (!destroy.isEmpty()) {
      CommandRunner.inNetns(ns)
          .check(List.of("ipset", "restore"), String.join("\n", destroy) + "\n");
    }
    forgetConnections();
  }

  /** Flushes the node's conntrack table (both families), so the next probes are new connections. */
  void forgetConnections() {
    CommandRunner.inNetns(ns).check("conntrack", "-F", "-f", "ipv4");
    CommandRunner.inNetns(ns).check("conntrack", "-F", "-f", "ipv6");
  }

  String save() {
    return CommandRunner.inNetns(ns).check("iptables-save")
        + CommandRunner.inNetns(ns).check("ip6tables-save");
  }

  String ipsetSave() {
    return CommandRunner.inNetns(ns).check("ipset", "save");
  }

  private void restore(Path file, String... command) {
    if (Files.isRegularFile(file)) {
      CommandRunner.inNetns(ns).checkWithInputFile(List.of(command), file);
    }
  }

  /**
   * One atomic --noflush restore: "-D" the jumps, declare (= flush) every owned chain, then "-X"
   * them.
   */
  private void resetFamily(String iptables, String restore) {
    Set<String> chains = new LinkedHashSet<>();
    List<String> deletes = new ArrayList<>();
    for (String line :
        CommandRunner.inNetns(ns).check(iptables, "-t", "filter", "-S").split("\n")) {
      String[] t = line.split(" ");
      if (t.length >= 2 && t[0].equals("-N") && t[1].startsWith(OWNED)) {
        chains.add(t[1]);
      } else if (t.length >= 2
          && t[0].equals("-A")
          && !t[1].startsWith(OWNED)
          && (line.contains(" -j " + OWNED) || line.contains(" -g " + OWNED))) {
        deletes.add("-D" + line.substring(2));
      }
    }
    if (chains.isEmpty() && deletes.isEmpty()) {
      return;
    }
    StringBuilder script = new StringBuilder("*filter\n");
    chains.forEach(c -> script.append(':').append(c).append(" - [0:0]\n"));
    deletes.forEach(d -> script.append(d).append('\n'));
    chains.forEach(c -> script.append("-X ").append(c).append('\n'));
    script.append("COMMIT\n");
    CommandRunner.inNetns(ns).check(List.of(restore, "--noflush"), script.toString());
  }
}
