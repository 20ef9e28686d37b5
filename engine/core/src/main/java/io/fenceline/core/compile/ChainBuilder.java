package io.fenceline.core.compile;

import io.fenceline.core.facts.Clause;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.facts.SetRef;
import io.fenceline.core.hash.StableHash;
import io.fenceline.core.model.ContainerPort;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.LabelSelector;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.PolicyPeer;
import io.fenceline.core.model.PolicyPort;
import io.fenceline.core.model.PolicyRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns one policy direction into a chain of allow clauses: one clause per (rule, peer, port).
 *
 * <p>Ingress named ports are resolved on the target pod (so pods whose container ports differ get
 * different chains); egress named ports are resolved on each destination pod through a {@code
 * hash:ip,port} set. A clause that can never match (a named port the target does not declare) is
 * left out.
 */
final class ChainBuilder {
  private ChainBuilder() {}

  /** A chain and the definitions of the sets it references, by set id. */
  record Built(PolicyChainFact chain, Map<String, PeerSetDef> sets) {}

  static Built build(NetworkPolicy policy, Direction dir, Pod target) {
    List<Clause> clauses = new ArrayList<>();
    Map<String, PeerSetDef> sets = new java.util.TreeMap<>();
    List<PolicyRule> rules = policy.rules(dir);
    for (int r = 0; r < rules.size(); r++) {
      PolicyRule rule = rules.get(r);
      List<PolicyPeer> peers = rule.peers().isEmpty() ? java.util.Collections.singletonList(null) : rule.peers();
      List<PolicyPort> ports = rule.ports().isEmpty() ? java.util.Collections.singletonList(null) : rule.ports();
      for (int p = 0; p < peers.size(); p++) {
        PolicyPeer peer = peers.get(p);
        for (PolicyPort port : ports) {
          String comment =
              policy.key() + " " + dir.lowerName() + " rule " + r + (peer == null ? " any peer" : " peer " + p);
          if (port != null && port.isNamed()) {
            if (dir == Direction.INGRESS) {
              for (int number : resolve(target, port)) {
                clauses.add(clause(sets, peerSet(policy, peer), null, port, number, number, comment));
              }
            } else {
              PeerSetDef named = namedPortSet(policy, peer, port);
              PeerSetDef block = peer instanceof PolicyPeer.IpBlock b ? PeerSetDef.block(b.cidr(), b.except()) : null;
              clauses.add(clause(sets, block, named, port, null, null, comment));
            }
          } else {
            Integer from = port == null ? null : port.port();
            Integer to = port == null || port.port() == null ? null : port.endPort() != null ? port.endPort() : port.port();
            clauses.add(clause(sets, peerSet(policy, peer), null, port, from, to, comment));
          }
        }
      }
    }
    StringBuilder canonical = new StringBuilder(policy.key() + " " + dir.lowerName());
    for (Clause c : clauses) {
      canonical.append('\n').append(c.canonical());
    }
    String id = StableHash.of(canonical.toString());
    return new Built(new PolicyChainFact(id, policy.key(), dir, clauses), sets);
  }

  private static Clause clause(
      Map<String, PeerSetDef> sets,
      PeerSetDef peer,
      PeerSetDef named,
      PolicyPort port,
      Integer from,
      Integer to,
      String comment) {
    SetRef peerRef = register(sets, peer);
    SetRef namedRef = register(sets, named);
    return new Clause(peerRef, namedRef, port == null ? null : port.protocol(), from, to, comment);
  }

  private static SetRef register(Map<String, PeerSetDef> sets, PeerSetDef def) {
    if (def == null) {
      return null;
    }
    SetRef ref = def.ref();
    sets.put(ref.id(), def);
    return ref;
  }

  private static PeerSetDef peerSet(NetworkPolicy policy, PolicyPeer peer) {
    if (peer == null) {
      return null;
    }
    if (peer instanceof PolicyPeer.IpBlock b) {
      return PeerSetDef.block(b.cidr(), b.except());
    }
    PolicyPeer.Selector s = (PolicyPeer.Selector) peer;
    return PeerSetDef.pods(policy.namespace(), s.namespaceSelector(), s.podSelector());
  }

  /** Egress named port: pods the peer selects (any pod for ipBlock or no peer) with that port. */
  private static PeerSetDef namedPortSet(NetworkPolicy policy, PolicyPeer peer, PolicyPort port) {
    if (peer instanceof PolicyPeer.Selector s) {
      return PeerSetDef.namedPort(policy.namespace(), s.namespaceSelector(), s.podSelector(), port.name(), port.protocol());
    }
    return PeerSetDef.namedPort(null, LabelSelector.EVERYTHING, LabelSelector.EVERYTHING, port.name(), port.protocol());
  }

  private static TreeSet<Integer> resolve(Pod target, PolicyPort port) {
    TreeSet<Integer> out = new TreeSet<>();
    for (ContainerPort cp : target.ports()) {
      if (port.name().equals(cp.name()) && cp.protocol() == port.protocol()) {
        out.add(cp.port());
      }
    }
    return out;
  }
}
