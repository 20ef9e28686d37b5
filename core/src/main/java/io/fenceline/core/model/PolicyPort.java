package io.fenceline.core.model;

/**
 * A {@code ports} entry. Exactly one of: every port of the protocol ({@code port == null && name ==
 * null}), a number or range ({@code port}, optional {@code endPort}), or a named container port.
 */
public record PolicyPort(Protocol protocol, Integer port, Integer endPort, String name) {
  public static PolicyPort allPorts(Protocol p) {
    return new PolicyPort(p, null, null, null);
  }

  public static PolicyPort number(Protocol p, int port) {
    return new PolicyPort(p, port, null, null);
  }

  public static PolicyPort range(Protocol p, int port, int endPort) {
    return new PolicyPort(p, port, endPort, null);
  }

  public static PolicyPort named(Protocol p, String name) {
    return new PolicyPort(p, null, null, name);
  }

  public boolean isNamed() {
    return name != null;
  }
}
