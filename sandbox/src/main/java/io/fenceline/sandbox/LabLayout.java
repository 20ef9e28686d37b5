package io.fenceline.sandbox;

import java.util.List;

/**
 * Resolves a spec onto namespaces and addresses: where each node and host lives, which IPs it has.
 */
final class LabLayout {

  private final LabSpec spec;
  private final LabNames names;

  LabLayout(LabSpec spec) {
    this.spec = spec;
    this.names = new LabNames(spec.prefix());
    for (LabHost h : spec.hosts()) {
      if (h.hostNetwork()) {
        LabNode n = spec.node(h.node());
        if (h.ipv4() != null && !h.ipv4().equals(n.transitIpv4())) {
          throw new IllegalArgumentException(
              "hostNetwork host " + h.id() + ": ipv4 must be the node's transitIpv4");
        }
        if (h.ipv6() != null && !h.ipv6().equals(n.transitIpv6())) {
          throw new IllegalArgumentException(
              "hostNetwork host " + h.id() + ": ipv6 must be the node's transitIpv6");
        }
      } else if (h.ipv6() != null
          && h.node() != null
          && spec.node(h.node()).transitIpv6() == null) {
        throw new IllegalArgumentException(
            "dual-stack pod " + h.id() + " on IPv4-only node " + h.node());
      }
    }
  }

  LabSpec spec() {
    return spec;
  }

  LabNames names() {
    return names;
  }

  String nodeNs(String node) {
    return names.nodeNs(spec.node(node));
  }

  /** The namespace the host's agent runs in: its own, or its node's for hostNetwork hosts. */
  String hostNs(LabHost h) {
    return h.hostNetwork() ? names.nodeNs(spec.node(h.node())) : names.hostNs(spec.indexOf(h), h);
  }

  String ipv4(LabHost h) {
    return h.hostNetwork() ? spec.node(h.node()).transitIpv4() : h.ipv4();
  }

  /**
   * Null when the host has no IPv6 address; hostNetwork hosts have their node's (if it has one).
   */
  String ipv6(LabHost h) {
    return h.hostNetwork() ? spec.node(h.node()).transitIpv6() : h.ipv6();
  }

  String address(LabHost h, int family) {
    return family == 4 ? ipv4(h) : ipv6(h);
  }

  List<LabHost> podsOn(LabNode node) {
    return spec.hosts().stream()
        .filter(h -> node.name().equals(h.node()) && !h.hostNetwork())
        .toList();
  }

  List<LabHost> externalHosts() {
    return spec.hosts().stream().filter(LabHost::external).toList();
  }

  /** Every namespace the lab creates, transit first. */
  List<String> allNamespaces() {
    var all = new java.util.ArrayList<String>();
    all.add(names.transitNs());
    spec.nodes().forEach(n -> all.add(names.nodeNs(n)));
    spec.hosts().stream().filter(h -> !h.hostNetwork()).forEach(h -> all.add(hostNs(h)));
    return all;
  }
}
