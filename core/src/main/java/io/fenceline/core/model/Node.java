package io.fenceline.core.model;

import java.util.List;

/** A node: its name and the addresses it reports. */
public record Node(String name, List<IpAddress> addresses) implements ClusterObject {
  public Node {
    addresses = List.copyOf(addresses);
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
