package io.fenceline.sandbox;

import java.util.Objects;

/** One connection attempt: from a host to another host's address of the given family. */
public record Probe(String fromHost, String toHost, String protocol, int port, int family) {

  public Probe {
    Objects.requireNonNull(fromHost, "fromHost");
    Objects.requireNonNull(toHost, "toHost");
    if (!"TCP".equals(protocol) && !"UDP".equals(protocol)) {
      throw new IllegalArgumentException("protocol must be TCP or UDP: " + protocol);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (family != 4 && family != 6) {
      throw new IllegalArgumentException("family must be 4 or 6: " + family);
    }
  }

  @Override
  public String toString() {
    return fromHost + " -> " + toHost + " " + protocol + "/" + port + " v" + family;
  }
}
