package io.fenceline.sandbox;

import java.util.ArrayList;
import java.util.List;

/** Builds probe lists: every ordered pair of distinct hosts, per family, protocol and port. */
public final class ProbeMatrix {

  private ProbeMatrix() {}

  /** IPv4 between all hosts, IPv6 between all hosts that have an IPv6 address. */
  public static List<Probe> allPairs(NetnsLab lab, List<String> protocols, List<Integer> ports) {
    LabLayout layout = new LabLayout(lab.spec());
    List<Probe> probes = new ArrayList<>();
    for (int family : List.of(4, 6)) {
      for (LabHost from : lab.spec().hosts()) {
        for (LabHost to : lab.spec().hosts()) {
          if (from.equals(to)
              || layout.address(from, family) == null
              || layout.address(to, family) == null) {
            continue;
          }
          for (String protocol : protocols) {
            for (int port : ports) {
              probes.add(new Probe(from.id(), to.id(), protocol, port, family));
            }
          }
        }
      }
    }
    return probes;
  }
}
