package io.fenceline.fleet;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** A pod as the simulator tracks it. Infrastructure pods have no {@link App}. */
public final class SimPod {
  /** A named container port. */
  public record Port(String name, int number, String protocol) {}

  final String namespace;
  final String name;
  final String uid;
  final SortedMap<String, String> labels = new TreeMap<>();
  final List<Port> ports;
  App app;
  final int node;
  int slot;
  final boolean dualStack;
  final boolean hostNetwork;

  SimPod(
      String namespace,
      String name,
      String uid,
      App app,
      List<Port> ports,
      int node,
      int slot,
      boolean dualStack,
      boolean hostNetwork) {
    this.namespace = namespace;
    this.name = name;
    this.uid = uid;
    this.app = app;
    this.ports = List.copyOf(ports);
    this.node = node;
    this.slot = slot;
    this.dualStack = dualStack;
    this.hostNetwork = hostNetwork;
  }

  public String namespace() {
    return namespace;
  }

  public String name() {
    return name;
  }

  public SortedMap<String, String> labels() {
    return new TreeMap<>(labels);
  }

  public List<Port> ports() {
    return ports;
  }

  public int node() {
    return node;
  }

  public boolean hostNetwork() {
    return hostNetwork;
  }

  String key() {
    return namespace + "/" + name;
  }
}
