package io.fenceline.it.netns;

import io.fenceline.applier.kernel.CommandRunner;
import io.fenceline.sandbox.*;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Netns tests need root and the netfilter tools. Missing: with CI=true the test fails (a CI job
 * must not silently skip them); elsewhere it is aborted with a loud message.
 */
public final class RootRequirement {

  static final String NEEDED = "run as root with iproute2, iptables, ipset, conntrack";

  private RootRequirement() {}

  public static void check() {
    List<String> problems = problems();
    if (problems.isEmpty()) {
      return;
    }
    String msg = "NETNS TESTS NOT RUN: " + NEEDED + " (" + String.join("; ", problems) + ")";
    System.err.println("*** " + msg + " ***");
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(msg + " [CI=true: failing instead of skipping]");
    }
    Assumptions.abort(msg);
  }

  static List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (!isRoot()) {
      problems.add("not root");
      return problems;
    }
    for (List<String> probe :
        List.of(
            List.of("iptables", "--version"),
            List.of("ip6tables", "--version"),
            List.of("iptables-restore", "--version"),
            List.of("ipset", "--version"),
            List.of("conntrack", "--version"),
            List.of("ip", "netns", "list"))) {
      CommandRunner.Result r = CommandRunner.onHost().attempt(probe, null);
      if (r.exitCode() != 0) {
        problems.add(String.join(" ", probe) + " failed: " + r.stderr().strip());
      }
    }
    if (problems.isEmpty()) {
      String ns = "fl-rootchk-" + ProcessHandle.current().pid();
      CommandRunner.Result add =
          CommandRunner.onHost().attempt(List.of("ip", "netns", "add", ns), null);
      if (add.exitCode() != 0) {
        problems.add("ip netns add failed: " + add.stderr().strip());
      } else {
        CommandRunner.onHost().attempt(List.of("ip", "netns", "del", ns), null);
      }
    }
    return problems;
  }

  private static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0"); // effective uid
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }
}
