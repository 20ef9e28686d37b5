package io.fenceline.core.model;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The fields of a pod that policy needs. A {@code quarantined} pod is one whose labels and ports
 * are unknown (its object was too large to publish): it is isolated in both directions, allows
 * nothing and is in no peer set until a usable version arrives (fail closed).
 */
public record Pod(
    ObjectKey key,
    SortedMap<String, String> labels,
    List<IpAddress> ips,
    String nodeName,
    PodPhase phase,
    boolean hostNetwork,
    List<ContainerPort> ports,
    boolean quarantined)
    implements ClusterObject {

  public Pod {
    labels = Labels.copyOf(labels);
    ips = List.copyOf(ips);
    ports = List.copyOf(ports);
    phase = phase == null ? PodPhase.UNKNOWN : phase;
    if (quarantined) {
      labels = Labels.copyOf(Map.of());
      ports = List.of();
    }
  }

  public Pod(
      ObjectKey key,
      SortedMap<String, String> labels,
      List<IpAddress> ips,
      String nodeName,
      PodPhase phase,
      boolean hostNetwork,
      List<ContainerPort> ports) {
    this(key, labels, ips, nodeName, phase, hostNetwork, ports, false);
  }

  /** This pod with its labels and ports unknown: isolated both ways, in no peer set. */
  public Pod quarantine() {
    return new Pod(key, labels, ips, nodeName, phase, hostNetwork, ports, true);
  }

  public static Pod of(
      ObjectKey key,
      Map<String, String> labels,
      List<IpAddress> ips,
      String nodeName,
      PodPhase phase,
      boolean hostNetwork,
      List<ContainerPort> ports) {
    return new Pod(key, Labels.copyOf(labels), ips, nodeName, phase, hostNetwork, ports);
  }

  @Override
  public Kind kind() {
    return Kind.POD;
  }

  public String namespace() {
    return key.namespace();
  }

  /**
   * Whether this pod's IPs stand for it as a policy peer: it has an IP, is not host-networked and
   * has not finished (a finished pod's IP may already belong to another pod).
   */
  public boolean isPeerCandidate() {
    return !hostNetwork && !ips.isEmpty() && !phase.finished();
  }
}
