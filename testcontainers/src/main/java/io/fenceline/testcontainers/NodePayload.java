package io.fenceline.testcontainers;

/**
 * What one node enforces: the three files of the {@code fenceline compile} contract ({@code
 * ipset.restore}, {@code iptables.restore}, {@code ip6tables.restore}), as text.
 */
public record NodePayload(
    String node, String ipsetRestore, String iptablesRestore, String ip6tablesRestore) {

  /** The rules ({@code -A} lines) of the IPv4 payload. */
  public long ipv4Rules() {
    return iptablesRestore.lines().filter(l -> l.startsWith("-A ")).count();
  }
}
