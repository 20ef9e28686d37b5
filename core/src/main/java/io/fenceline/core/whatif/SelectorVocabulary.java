package io.fenceline.core.whatif;

import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.LabelSelector;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.PolicyPeer;
import io.fenceline.core.model.PolicyPort;
import io.fenceline.core.model.PolicyRule;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.model.TierRule;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the policies of some states can look at: the pod, namespace and node label keys their
 * selectors read, the namespaces that hold NetworkPolicies, the address prefixes of their ipBlocks
 * and networks, the port boundaries of their port rules, and whether any rule names a port. Two
 * pods that agree on all of it are treated alike by every one of those policies.
 */
final class SelectorVocabulary {
  final Set<String> podKeys = new TreeSet<>();
  final Set<String> namespaceKeys = new TreeSet<>();
  final Set<String> nodeKeys = new TreeSet<>();
  final Set<String> policyNamespaces = new TreeSet<>();
  final List<IpPrefix> prefixes = new ArrayList<>();
  final Map<Protocol, TreeSet<Integer>> portBoundaries = new EnumMap<>(Protocol.class);
  boolean namedPorts;

  static SelectorVocabulary of(List<List<? extends ClusterObject>> states) {
    SelectorVocabulary v = new SelectorVocabulary();
    Set<IpPrefix> prefixes = new TreeSet<>();
    for (List<? extends ClusterObject> state : states) {
      for (ClusterObject o : state) {
        if (o instanceof NetworkPolicy p) {
          v.policyNamespaces.add(p.namespace());
          keys(p.podSelector(), v.podKeys);
          for (List<PolicyRule> rules : List.of(p.ingress(), p.egress())) {
            for (PolicyRule r : rules) {
              v.peers(r.peers(), prefixes);
              v.ports(r.ports());
            }
          }
        } else if (o instanceof ClusterNetworkPolicy c) {
          keys(c.subjectNamespaces(), v.namespaceKeys);
          keys(c.subjectPods(), v.podKeys);
          for (List<TierRule> rules : List.of(c.ingress(), c.egress())) {
            for (TierRule r : rules) {
              v.peers(r.peers(), prefixes);
              v.ports(r.ports());
            }
          }
        }
      }
    }
    v.prefixes.addAll(prefixes);
    return v;
  }

  private void peers(List<PolicyPeer> peers, Set<IpPrefix> prefixes) {
    for (PolicyPeer peer : peers) {
      if (peer instanceof PolicyPeer.Selector s) {
        keys(s.namespaceSelector(), namespaceKeys);
        keys(s.podSelector(), podKeys);
      } else if (peer instanceof PolicyPeer.IpBlock b) {
        prefixes.add(b.cidr());
        prefixes.addAll(b.except());
      } else if (peer instanceof PolicyPeer.Nodes n) {
        keys(n.nodeSelector(), nodeKeys);
      }
    }
  }

  private void ports(List<PolicyPort> ports) {
    for (PolicyPort p : ports) {
      if (p.isNamed()) {
        namedPorts = true;
        continue;
      }
      if (p.port() == null) {
        continue;
      }
      int end = p.endPort() != null ? p.endPort() : p.port();
      for (Protocol proto :
          p.protocol() == null ? List.of(Protocol.values()) : List.of(p.protocol())) {
        TreeSet<Integer> b = portBoundaries.computeIfAbsent(proto, k -> new TreeSet<>());
        b.add(p.port());
        b.add(end + 1);
      }
    }
  }

  private static void keys(LabelSelector s, Set<String> into) {
    if (s == null) {
      return;
    }
    into.addAll(s.matchLabels().keySet());
    for (LabelSelector.Requirement r : s.matchExpressions()) {
      into.add(r.key());
    }
  }
}
