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
  record Range(Protocol protocol, int first, int last) {}

  private PortRanges() {}

  /**
   * {@code ranges} as one text per protocol, contiguous ranges merged: {@code tcp/any}, {@code
   * tcp/80,8000-8080}.
   */
  static List<String> text(List<Range> ranges) {
    List<String> out = new ArrayList<>();
    for (Protocol proto : Protocol.values()) {
      List<Range> of =
          ranges.stream()
              .filter(r -> r.protocol() == proto)
              .sorted(java.util.Comparator.comparingInt(Range::first))
              .toList();
      List<Range> merged = new ArrayList<>();
      for (Range r : of) {
        Range last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
        if (last != null && last.last() + 1 >= r.first()) {
          merged.set(
              merged.size() - 1, new Range(proto, last.first(), Math.max(last.last(), r.last())));
        } else {
          merged.add(r);
        }
      }
      if (merged.isEmpty()) {
        continue;
      }
      List<String> parts = new ArrayList<>();
      for (Range r : merged) {
        parts.add(
            r.first() == 1 && r.last() == 65535
                ? "any"
                : r.first() == r.last() ? Integer.toString(r.first()) : r.first() + "-" + r.last());
      }
      out.add(proto.kernelName() + "/" + String.join(",", parts));
    }
    return out;
  }

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
