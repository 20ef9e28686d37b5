package io.fenceline.core.render;

/**
 * The full payload for one node: input for {@code ipset restore}, then for {@code iptables-restore
 * --noflush} and {@code ip6tables-restore --noflush}. Applying it twice is harmless (at most a
 * second, identical jump from FORWARD).
 */
public record NodePayload(
    String node, String ipsetRestore, String iptablesRestore, String ip6tablesRestore) {}
