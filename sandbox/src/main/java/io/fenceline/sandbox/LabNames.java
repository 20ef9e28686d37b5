package io.fenceline.sandbox;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The naming scheme. Namespaces: {@code fl-<prefix>-transit}, {@code fl-<prefix>-n-<node>}, {@code
 * fl-<prefix>-h<index>-<host id>} (a later run finds them by the pattern and the prefix),
 * interfaces: {@code <prefix>-<short role>} (at most 15 characters: prefix at most 8). Every
 * interface is created directly inside its namespace; none ever appears in the root namespace.
 */
public final class LabNames {

  public static final String NETNS_PREFIX = "fl-";
  private static final Pattern PREFIX = Pattern.compile("[a-z0-9]{1,8}");
  private static final Pattern LAB_NETNS = Pattern.compile("fl-([a-z0-9]{1,8})-.+");

  private final String prefix;

  LabNames(String prefix) {
    this.prefix = requireValidPrefix(prefix);
  }

  public static String requireValidPrefix(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "prefix must match [a-z0-9]{1,8} (interface names <= 15 chars): " + prefix);
    }
    return prefix;
  }

  /** The prefix of a lab namespace name, if the name follows the scheme. */
  public static Optional<String> prefixOf(String netns) {
    Matcher m = LAB_NETNS.matcher(netns);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  String prefix() {
    return prefix;
  }

  String transitNs() {
    return NETNS_PREFIX + prefix + "-transit";
  }

  String nodeNs(LabNode node) {
    return NETNS_PREFIX + prefix + "-n-" + node.name();
  }

  String hostNs(int index, LabHost host) {
    return NETNS_PREFIX
        + prefix
        + "-h"
        + index
        + "-"
        + host.id().replaceAll("[^A-Za-z0-9_.-]", ".");
  }

  /** In the transit: the end of the veth to node #i. */
  String transitToNode(int nodeIndex) {
    return prefix + "-n" + nodeIndex;
  }

  /** In the transit: the end of the veth to external host #i. */
  String transitToExternal(int hostIndex) {
    return prefix + "-e" + hostIndex;
  }

  /** In a node: its uplink to the transit. */
  String nodeUplink() {
    return prefix + "-up";
  }

  /** In a node: the end of the veth to pod #i (Calico's cali* interface). */
  String nodeToPod(int hostIndex) {
    return prefix + "-p" + hostIndex;
  }

  /** Inside a pod or an external host: its only interface. */
  String hostEth() {
    return prefix + "-eth0";
  }
}
