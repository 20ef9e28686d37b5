package io.fenceline.applier.kernel;

import java.util.List;

/**
 * Which iptables backend the node's other rules use (legacy or nf_tables), so fenceline writes
 * where the node's packets are actually filtered. Like kube-proxy: the backend holding more rules
 * wins; with none anywhere, nf_tables.
 */
public enum IptablesBackend {
  NFT("nft"),
  LEGACY("legacy");

  private final String suffix;

  IptablesBackend(String suffix) {
    this.suffix = suffix;
  }

  /** e.g. {@code iptables-nft-restore}, {@code ip6tables-legacy-save}, {@code iptables-nft}. */
  public String tool(int family, String verb) {
    return (family == 4 ? "iptables-" : "ip6tables-") + suffix + (verb.isEmpty() ? "" : "-" + verb);
  }

  public static IptablesBackend detect(CommandRunner runner) {
    int legacy = ruleLines(runner, LEGACY);
    int nft = ruleLines(runner, NFT);
    return legacy > nft ? LEGACY : NFT;
  }

  private static int ruleLines(CommandRunner runner, IptablesBackend b) {
    int n = 0;
    for (int family : new int[] {4, 6}) {
      try {
        CommandRunner.Result r = runner.run(List.of(b.tool(family, "save")), null);
        if (r.exitCode() == 0) {
          n += (int) r.stdout().lines().filter(l -> l.startsWith("-A ")).count();
        }
      } catch (CommandFailedException e) {
        // that backend's tools are not installed
      }
    }
    return n;
  }
}
