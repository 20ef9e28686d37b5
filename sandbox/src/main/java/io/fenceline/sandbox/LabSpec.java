package io.fenceline.sandbox;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link NetnsLab} builds: nodes (routers for their pods), hosts (pods, hostNetwork pods and
 * external hosts) and a short per-run prefix that every namespace and interface name carries.
 */
public record LabSpec(String prefix, List<LabNode> nodes, List<LabHost> hosts) {

  public LabSpec {
    LabNames.requireValidPrefix(prefix);
    nodes = List.copyOf(nodes);
    hosts = List.copyOf(hosts);
    Set<String> nodeNames = new HashSet<>();
    for (LabNode n : nodes) {
      if (!nodeNames.add(n.name())) {
        throw new IllegalArgumentException("duplicate node " + n.name());
      }
    }
    Set<String> ids = new HashSet<>();
    for (LabHost h : hosts) {
      if (!ids.add(h.id())) {
        throw new IllegalArgumentException("duplicate host " + h.id());
      }
      if (h.node() != null && !nodeNames.contains(h.node())) {
        throw new IllegalArgumentException("host " + h.id() + " is on unknown node " + h.node());
      }
    }
  }

  public LabNode node(String name) {
    return nodes.stream()
        .filter(n -> n.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown node " + name));
  }

  public LabHost host(String id) {
    return hosts.stream()
        .filter(h -> h.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown host " + id));
  }

  /** Index of a host in {@link #hosts()}; used for short interface names. */
  public int indexOf(LabHost host) {
    return hosts.indexOf(Objects.requireNonNull(host));
  }
}
