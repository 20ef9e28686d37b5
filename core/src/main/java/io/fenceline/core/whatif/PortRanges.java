package io.fenceline.core.whatif;

import io.fenceline.core.model.ContainerPort;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The ports of one protocol cut where any port rule of either state begins or ends, and (when a
 * rule names a port) at the destination's container ports of that protocol: within one range every
 * rule treats every port alike.
 */
final class PortRanges {
  /** {@code [first, last]}. */
  record Range(Protocol protocol, int first, int last) {
    String text() {
      String p = protocol.kernelName();
      return first == last
          ? p + "/" + first
          : first == 1 && last == 65535 ? p + "/any" : p + "/" + first + "-" + last;
    }
  }

  private PortRanges() {}

  static List<Range> of(SelectorVocabulary v, Protocol protocol, Pod destination) {
    TreeSet<Integer> cuts = new TreeSet<>(v.portBoundaries.getOrDefault(protocol, new TreeSet<>()));
    cuts.add(1);
    cuts.add(65536);
    if (v.namedPorts && destination != null) {
      for (ContainerPort cp : destination.ports()) {
        if (cp.protocol() == protocol) {
          cuts.add(cp.port());
          cuts.add(cp.port() + 1);
        }
      }
    }
    List<Range> out = new ArrayList<>();
    Integer prev = null;
    for (int cut : cuts) {
      if (cut < 1 || cut > 65536) {
        continue;
      }
      if (prev != null) {
        out.add(new Range(protocol, prev, cut - 1));
      }
      prev = cut;
    }
    return out;
  }
}
