package io.fenceline.core.model;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** The fields of a pod that policy needs. */
public record Pod(
    ObjectKey key,
    SortedMap<String, String> labels,
    List<IpAddress> ips,
    String nodeName,
    PodPhase phase,
    boolean hostNetwork,
    List<ContainerPort> ports)
    implements ClusterObject {

  public Pod {
    labels = Labels.copyOf(labels);
    ips = List.copyOf(ips);
    ports = List.copyOf(ports);
    phase = phase == null ? PodPhase.UNKNOWN : phase;
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
