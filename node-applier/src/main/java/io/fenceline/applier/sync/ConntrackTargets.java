package io.fenceline.applier.sync;

import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.model.IpAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The local addresses whose conntrack entries must go after a change, so that no flow outlives the
 * rule that allowed it: IPs of local pods whose binding appeared, vanished or changed (their
 * policies may have tightened), or whose chains arrived or left. Peer IPs that left a set are the
 * other half ({@link KernelSets.Patch#goneHosts}). Reads bindings and chains only, never set
 * members.
 */
final class ConntrackTargets {
  private ConntrackTargets() {}

  static SortedSet<IpAddress> between(NodeModel prev, NodeModel next) {
    SortedSet<IpAddress> out = new TreeSet<>();
    Map<Object, PodBindingFact> before = new HashMap<>();
    prev.bindings().forEach(b -> before.put(b.pod(), b));
    Map<Object, PodBindingFact> after = new HashMap<>();
    next.bindings().forEach(b -> after.put(b.pod(), b));
    for (Object pod : union(before.keySet(), after.keySet())) {
      PodBindingFact a = before.get(pod);
      PodBindingFact b = after.get(pod);
      if (!Objects.equals(a, b) || !sameChains(prev, next, a)) {
        if (a != null) {
          out.addAll(a.ips());
        }
        if (b != null) {
          out.addAll(b.ips());
        }
      }
    }
    return out;
  }

  /** A binding whose chains kept their ids can still have lost a chain that had not arrived. */
  private static boolean sameChains(NodeModel prev, NodeModel next, PodBindingFact b) {
    if (b == null) {
      return true;
    }
    for (String id : b.allChains()) {
      if (prev.chains().containsKey(id) != next.chains().containsKey(id)) {
        return false;
      }
    }
    return true;
  }

  private static Set<Object> union(Set<Object> a, Set<Object> b) {
    Set<Object> u = new java.util.HashSet<>(a);
    u.addAll(b);
    return u;
  }
}
