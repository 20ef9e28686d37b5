package io.fenceline.it.netns;

import io.fenceline.sandbox.*;
import java.util.List;

/**
 * Test helper simulating a crashed run: starts a small lab with the given prefix, prints "built",
 * then halts the JVM without running shutdown hooks (as kill -9 would), leaving namespaces and a
 * dead owner.
 */
public final class CrashingLabMain {

  private CrashingLabMain() {}

  public static void main(String[] args) {
    LabSpec spec =
        new LabSpec(
            args[0],
            List.of(new LabNode("node-1", "10.98.0.11", null, "10.245.1.0/24", null)),
            List.of(LabHost.pod("c/a", "node-1", "10.245.1.10")));
    NetnsLab.start(spec);
    System.out.println("built");
    System.out.flush();
    Runtime.getRuntime().halt(137);
  }
}
