package io.fenceline.core.whatif;

import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.Node;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The pods of both states split into groups that every policy of either state treats alike: same
 * namespace labels and pod labels as far as any selector reads them (and the namespace itself where
 * it holds a NetworkPolicy), same host-network and quarantine flags, same address families, same
 * ipBlock prefixes and node-peer labels for their addresses, and the same container ports when a
 * rule names a port. A pod is compared only if it exists, with an address and not finished, in both
 * states.
 */
final class PodGroups {
  /** One group: an id, a readable label, its pods (sorted). */
  record Group(int id, String label, List<Pod> pods) {
    Pod first() {
      return pods.get(0);
    }
  }

  private final List<Group> groups = new ArrayList<>();
  private final Map<ObjectKey, Group> byPod = new HashMap<>();
  private int notCompared;

  PodGroups(StateObjects before, StateObjects after, SelectorVocabulary v) {
    Map<String, List<Pod>> bySignature = new LinkedHashMap<>();
    Map<String, String> labels = new HashMap<>();
    for (Pod a : after.pods.values()) {
      Pod b = before.pods.get(a.key());
      if (b == null || !compared(a) || !compared(b) || !a.ips().equals(b.ips())) {
        notCompared++;
        continue;
      }
      String sig = signature(before, b, v) + " | " + signature(after, a, v);
      bySignature.computeIfAbsent(sig, k -> new ArrayList<>()).add(a);
      labels.putIfAbsent(sig, podLabel(a, v));
    }
    for (Pod b : before.pods.values()) {
      if (!after.pods.containsKey(b.key())) {
        notCompared++;
      }
    }
    for (Map.Entry<String, List<Pod>> e : bySignature.entrySet()) {
      Group g =
          new Group(
              groups.size(),
              namespaceLabel(after, e.getValue(), v) + "/" + labels.get(e.getKey()),
              List.copyOf(e.getValue()));
      groups.add(g);
      g.pods().forEach(p -> byPod.put(p.key(), g));
    }
  }

  List<Group> all() {
    return groups;
  }

  Group of(ObjectKey pod) {
    return byPod.get(pod);
  }

  /** Pods that exist in only one state, or without an address or finished in one: not compared. */
  int notCompared() {
    return notCompared;
  }

  private static boolean compared(Pod p) {
    return !p.ips().isEmpty() && !p.phase().finished();
  }

  private static String signature(StateObjects s, Pod p, SelectorVocabulary v) {
    StringBuilder sb = new StringBuilder();
    sb.append(v.policyNamespaces.contains(p.namespace()) ? p.namespace() : "*");
    sb.append(" ns").append(project(s.namespaceLabels(p.namespace()), v.namespaceKeys));
    sb.append(" pod").append(project(p.labels(), v.podKeys));
    sb.append(p.hostNetwork() ? " host" : "").append(p.quarantined() ? " quarantined" : "");
    sb.append(p.isPeerCandidate() ? "" : " no-peer");
    for (int family : new int[] {4, 6}) {
      List<IpAddress> ips = p.ips().stream().filter(ip -> ip.family() == family).toList();
      if (ips.isEmpty()) {
        continue;
      }
      sb.append(" v").append(family).append('[');
      for (int i = 0; i < v.prefixes.size(); i++) {
        IpPrefix prefix = v.prefixes.get(i);
        sb.append(ips.stream().anyMatch(prefix::contains) ? '1' : '0');
      }
      sb.append(']');
      if (!v.nodeKeys.isEmpty()) {
        for (IpAddress ip : ips) {
          for (Node n : s.nodesByAddress.getOrDefault(ip, List.of())) {
            sb.append(" node").append(project(n.labels(), v.nodeKeys));
          }
        }
      }
    }
    if (v.namedPorts) {
      sb.append(" ports").append(p.ports());
    }
    return sb.toString();
  }

  /** The pod labels any selector reads, as a group shows them ({@code *}: none). */
  private static String podLabel(Pod p, SelectorVocabulary v) {
    SortedMap<String, String> pod = project(p.labels(), v.podKeys);
    return (pod.isEmpty() ? "*" : pod.toString().replace(" ", ""))
        + (p.hostNetwork() ? " (hostNetwork)" : "");
  }

  /**
   * The namespace of a group's pods, or when they span several the namespace labels any selector
   * reads ({@code *}: none).
   */
  private static String namespaceLabel(StateObjects s, List<Pod> pods, SelectorVocabulary v) {
    String first = pods.get(0).namespace();
    if (pods.stream().allMatch(p -> p.namespace().equals(first))) {
      return first;
    }
    SortedMap<String, String> ns = project(s.namespaceLabels(first), v.namespaceKeys);
    return ns.isEmpty() ? "*" : "ns" + ns.toString().replace(" ", "");
  }

  private static SortedMap<String, String> project(Map<String, String> labels, Set<String> keys) {
    SortedMap<String, String> out = new TreeMap<>();
    for (String k : keys) {
      String value = labels.get(k);
      if (value != null) {
        out.put(k, value);
      }
    }
    return out;
  }
}
