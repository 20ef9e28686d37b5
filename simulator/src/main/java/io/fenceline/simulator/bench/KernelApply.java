package io.fenceline.simulator.bench;

import io.fenceline.core.render.NodePayload;
import io.fenceline.core.render.PayloadText;
import io.fenceline.core.render.RenderedNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Applies one node's full payload on a real kernel, in a scratch network namespace ({@code
 * flsim-<pid>}, removed afterwards): {@code ipset restore}, then {@code iptables-restore --noflush}
 * and {@code ip6tables-restore --noflush}, each timed, then counts the rules the kernel holds.
 */
final class KernelApply {
  /**
   * Times in ms; rules (both families) counted back from {@code iptables-save} and {@code
   * ip6tables-save}.
   */
  record Result(
      double ipsetMillis,
      double iptablesMillis,
      double ip6tablesMillis,
      int rulesInKernel,
      int payloadBytes) {
    double totalMillis() {
      return ipsetMillis + iptablesMillis + ip6tablesMillis;
    }
  }

  private KernelApply() {}

  static Result apply(RenderedNode node, Path scratch) throws IOException, InterruptedException {
    String ns = "flsim-" + ProcessHandle.current().pid();
    run(List.of("ip", "netns", "del", ns), null, true);
    run(List.of("ip", "netns", "add", ns), null, false);
    try {
      NodePayload p = PayloadText.full(node);
      Path dir = Files.createDirectories(scratch);
      Path ipset = Files.writeString(dir.resolve("ipset.restore"), p.ipsetRestore());
      Path ip4 = Files.writeString(dir.resolve("iptables.restore"), p.iptablesRestore());
      Path ip6 = Files.writeString(dir.resolve("ip6tables.restore"), p.ip6tablesRestore());
      double a = run(List.of("ip", "netns", "exec", ns, "ipset", "restore"), ipset, false);
      double b =
          run(List.of("ip", "netns", "exec", ns, "iptables-restore", "--noflush"), ip4, false);
      double c =
          run(List.of("ip", "netns", "exec", ns, "ip6tables-restore", "--noflush"), ip6, false);
      int rules = 0;
      for (String tool : List.of("iptables-save", "ip6tables-save")) {
        Process save = new ProcessBuilder("ip", "netns", "exec", ns, tool, "-t", "filter").start();
        String saved = new String(save.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        save.waitFor();
        rules +=
            (int)
                saved
                    .lines()
                    .filter(l -> l.startsWith("-A FNL") || l.startsWith("-A FORWARD"))
                    .count();
      }
      int bytes =
          p.ipsetRestore().length() + p.iptablesRestore().length() + p.ip6tablesRestore().length();
      return new Result(a, b, c, rules, bytes);
    } finally {
      run(List.of("ip", "netns", "del", ns), null, true);
    }
  }

  private static double run(List<String> command, Path input, boolean mayFail)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (input != null) {
      pb.redirectInput(input.toFile());
    }
    long t0 = System.nanoTime();
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + ": no exit within 120 s");
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    if (p.exitValue() != 0 && !mayFail) {
      throw new IOException(
          String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out.strip());
    }
    return ms;
  }
}
