package io.fenceline.it.conformance;

import io.fenceline.applier.kernel.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What fenceline owns in a network namespace's kernel, as comparable text: the {@code FNL-*} chains
 * and rules of {@code iptables-save} and {@code ip6tables-save} (in order, counters dropped) and
 * the {@code FNL-*} sets and members of {@code ipset save} (sorted; the random hash {@code initval}
 * dropped). The expected state is obtained the same way from a scratch namespace into which a
 * {@code fenceline compile} payload was loaded as a user would ({@code ipset restore}, {@code
 * iptables-restore --noflush}, {@code ip6tables-restore --noflush}).
 */
final class ChaosKernelState {
  private ChaosKernelState() {}

  /** The owned state of the kernel of {@code netns}. */
  static String of(String netns) {
    List<String> out = new ArrayList<>();
    for (String family : List.of("iptables-save", "ip6tables-save")) {
      for (String line : CommandRunner.inNetns(netns).check(family, "-t", "filter").split("\n")) {
        if (!line.startsWith("#") && line.contains("FNL-")) {
          out.add(
              family.substring(0, family.indexOf('-'))
                  + " "
                  + line.replaceAll(" \\[\\d+:\\d+\\]$", ""));
        }
      }
    }
    List<String> sets = new ArrayList<>();
    for (String line : CommandRunner.inNetns(netns).check("ipset", "save").split("\n")) {
      if (line.contains("FNL-")) {
        sets.add("ipset " + line.replaceAll(" initval 0x[0-9a-f]+", ""));
      }
    }
    sets.sort(null);
    out.addAll(sets);
    return String.join("\n", out) + "\n";
  }

  /** The owned state a fresh kernel holds after loading the payload folder {@code payload}. */
  static String ofPayload(String scratchNetns, Path payload) {
    CommandRunner.onHost().attempt(List.of("ip", "netns", "del", scratchNetns), null);
    CommandRunner.onHost().check("ip", "netns", "add", scratchNetns);
    try {
      restore(scratchNetns, payload.resolve("ipset.restore"), "ipset", "restore");
      restore(scratchNetns, payload.resolve("iptables.restore"), "iptables-restore", "--noflush");
      restore(scratchNetns, payload.resolve("ip6tables.restore"), "ip6tables-restore", "--noflush");
      return of(scratchNetns);
    } finally {
      CommandRunner.onHost().attempt(List.of("ip", "netns", "del", scratchNetns), null);
    }
  }

  private static void restore(String netns, Path file, String... command) {
    if (Files.isRegularFile(file)) {
      CommandRunner.inNetns(netns).checkWithInputFile(List.of(command), file);
    }
  }
}
