package io.fenceline.core.model;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * A node: its name, its labels (what a ClusterNetworkPolicy {@code nodes} peer selects on) and the
 * addresses it reports.
 */
public record Node(String name, SortedMap<String, String> labels, List<IpAddress> addresses)
    implements ClusterObject {
  public Node {
    labels = Labels.copyOf(labels == null ? Map.of() : labels);
    addresses = List.copyOf(addresses);
  }

  public static Node of(String name, Map<String, String> labels, List<IpAddress> addresses) {
    return new Node(name, Labels.copyOf(labels), addresses);
  }

  @Override
  public Kind kind() {
    return Kind.NODE;
  }

  @Override
  public ObjectKey key() {
    return new ObjectKey("", name);
  }
}
