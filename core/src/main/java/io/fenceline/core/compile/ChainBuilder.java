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
import io.fenceline.core.model.TierAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns one policy direction into a chain of allow clauses: one clause per (rule, peer, port),
 * where a rule's ipBlocks count as one peer per address family (one {@code hash:net} set of their
 * union, so a rule with thousands of blocks costs one rule per port, not thousands).
 *
 * <p>Ingress named ports are resolved on the target pod (so pods whose container ports differ get
 * different chains); egress named ports are resolved on each destination pod through a {@code
 * hash:ip,port} set. A clause that can never match (a named port the target does not declare) is
 * left out.
 */
final class ChainBuilder {
  private ChainBuilder() {}

  /**
   * Whether the chain of {@code policy} in {@code dir} differs between target pods: only ingress
   * named ports resolve on the target.
   */
  static boolean dependsOnTarget(NetworkPolicy policy, Direction dir) {
    if (dir == Direction.EGRESS) {
      return false;
    }
    for (PolicyRule rule : policy.rules(dir)) {
      for (PolicyPort port : rule.ports()) {
        if (port.isNamed()) {
          return true;
        }
      }
    }
    return false;
  }

  /** A chain and the definitions of the sets it references, by set id. */
  record Built(PolicyChainFact chain, Map<String, PeerSetDef> sets) {}

  static Built build(NetworkPolicy policy, Direction dir, Pod target) {
    List<Clause> clauses = new ArrayList<>();
    Map<String, PeerSetDef> sets = new java.util.TreeMap<>();
    List<PolicyRule> rules = policy.rules(dir);
    for (int r = 0; r < rules.size(); r++) {
      PolicyRule rule = rules.get(r);
      List<PolicyPort> ports =
          rule.ports().isEmpty() ? java.util.Collections.singletonList(null) : rule.ports();
      for (PeerGroup group : groups(policy, rule)) {
        String comment = policy.key() + " " + dir.lowerName() + " rule " + r + group.label();
        for (PolicyPort port : ports) {
          addClauses(clauses, sets, policy.namespace(), dir, target, group, port, comment, null);
        }
      }
    }
    return built(policy.key() + " " + dir.lowerName(), policy.key(), dir, clauses, sets);
  }

  /**
   * The clauses of one peer group and one port ({@code port} null: every port of every protocol),
   * with {@code verdict} (null: a NetworkPolicy's allow), their sets registered in {@code sets}: an
   * ingress named port resolved on {@code target} (none if it declares no such port), an egress
   * named port through a named-port set of the group's pods, a number or range as it is.
   */
  static void addClauses(
      List<Clause> clauses,
      Map<String, PeerSetDef> sets,
      String scopeNamespace,
      Direction dir,
      Pod target,
      PeerGroup group,
      PolicyPort port,
      String comment,
      TierAction verdict) {
    if (port != null && port.isNamed()) {
      if (dir == Direction.INGRESS) {
        for (int number : resolve(target, port)) {
          clauses.add(clause(sets, group.set(), null, port, number, number, comment, verdict));
        }
      } else {
        PeerSetDef named = namedPortSet(scopeNamespace, group.selector(), port);
        clauses.add(
            clause(
                sets,
                group.selector() == null ? group.set() : null,
                named,
                port,
                null,
                null,
                comment,
                verdict));
      }
      return;
    }
    Integer from = port == null ? null : port.port();
    Integer to =
        port == null || port.port() == null
            ? null
            : port.endPort() != null ? port.endPort() : port.port();
    clauses.add(clause(sets, group.set(), null, port, from, to, comment, verdict));
  }

  /** The chain of {@code clauses}, its id the hash of {@code head} and their canonical text. */
  static Built built(
      String head,
      io.fenceline.core.model.ObjectKey policy,
      Direction dir,
      List<Clause> clauses,
      Map<String, PeerSetDef> sets) {
    StringBuilder canonical = new StringBuilder(head);
    for (Clause c : clauses) {
      canonical.append('\n').append(c.canonical());
    }
    String id = StableHash.of(canonical.toString());
    return new Built(new PolicyChainFact(id, policy, dir, clauses), sets);
  }

  /**
   * The peers of one rule as clause groups, in written order: no peers is one group matching any
   * peer; each selector peer and each nodes peer is a group; the rule's ipBlocks are one group per
   * address family, at the place of the first of them, whose set is the union of what they allow.
   */
  record PeerGroup(PeerSetDef set, PolicyPeer.Selector selector, String label) {}

  static List<PeerGroup> groups(NetworkPolicy policy, PolicyRule rule) {
    if (rule.peers().isEmpty()) {
      return List.of(new PeerGroup(null, null, " any peer"));
    }
    return groups(policy.namespace(), rule.peers());
  }

  /**
   * {@link #groups(NetworkPolicy, PolicyRule)} of a non-empty peer list; {@code scopeNamespace} is
   * the namespace of selectors without a namespace selector.
   */
  static List<PeerGroup> groups(String scopeNamespace, List<PolicyPeer> peers) {
    List<PeerGroup> out = new ArrayList<>();
    List<PolicyPeer.IpBlock> blocks = new ArrayList<>();
    List<Integer> blockIndexes = new ArrayList<>();
    int blocksAt = -1;
    for (int p = 0; p < peers.size(); p++) {
      PolicyPeer peer = peers.get(p);
      if (peer instanceof PolicyPeer.IpBlock b) {
        if (blocksAt < 0) {
          blocksAt = out.size();
        }
        blocks.add(b);
        blockIndexes.add(p);
      } else if (peer instanceof PolicyPeer.Nodes n) {
        out.add(new PeerGroup(PeerSetDef.nodes(n.nodeSelector()), null, " peer " + p));
      } else {
        PolicyPeer.Selector s = (PolicyPeer.Selector) peer;
        out.add(
            new PeerGroup(
                PeerSetDef.pods(scopeNamespace, s.namespaceSelector(), s.podSelector()),
                s,
                " peer " + p));
      }
    }
    if (blocksAt >= 0) {
      List<PeerGroup> blockGroups = new ArrayList<>();
      for (int family : new int[] {4, 6}) {
        PeerSetDef def = PeerSetDef.blocks(blocks, family);
        if (def != null) {
          List<Integer> indexes = new ArrayList<>();
          for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i).cidr().family() == family) {
              indexes.add(blockIndexes.get(i));
            }
          }
          blockGroups.add(new PeerGroup(def, null, peersLabel(indexes)));
        }
      }
      out.addAll(blocksAt, blockGroups);
    }
    return out;
  }

  /**
   * {@code " peer 3"}, {@code " peers 1,3,4"}, or for many {@code " peers 0,1,2,3,4,5,6,7 and 9992
   * more"}.
   */
  private static String peersLabel(List<Integer> indexes) {
    if (indexes.size() == 1) {
      return " peer " + indexes.get(0);
    }
    StringBuilder sb = new StringBuilder(" peers ");
    int shown = Math.min(indexes.size(), 8);
    for (int i = 0; i < shown; i++) {
      sb.append(i == 0 ? "" : ",").append(indexes.get(i));
    }
    if (indexes.size() > shown) {
      sb.append(" and ").append(indexes.size() - shown).append(" more");
    }
    return sb.toString();
  }

  /** A clause with {@code verdict} (null: a NetworkPolicy's allow), its sets registered. */
  private static Clause clause(
      Map<String, PeerSetDef> sets,
      PeerSetDef peer,
      PeerSetDef named,
      PolicyPort port,
      Integer from,
      Integer to,
      String comment,
      TierAction verdict) {
    SetRef peerRef = register(sets, peer);
    SetRef namedRef = register(sets, named);
    return new Clause(
        peerRef, namedRef, port == null ? null : port.protocol(), from, to, comment, verdict);
  }

  private static SetRef register(Map<String, PeerSetDef> sets, PeerSetDef def) {
    if (def == null) {
      return null;
    }
    SetRef ref = def.ref();
    sets.put(ref.id(), def);
    return ref;
  }

  /** Egress named port: pods the peer selects (any pod for ipBlock or no peer) with that port. */
  /**
   * Egress named port: pods the peer selects (in {@code scopeNamespace} when it has no namespace
   * selector; any pod for ipBlock or no peer) with that port.
   */
  private static PeerSetDef namedPortSet(
      String scopeNamespace, PolicyPeer.Selector s, PolicyPort port) {
    if (s != null) {
      return PeerSetDef.namedPort(
          scopeNamespace, s.namespaceSelector(), s.podSelector(), port.name(), port.protocol());
    }
    return PeerSetDef.namedPort(
        null, LabelSelector.EVERYTHING, LabelSelector.EVERYTHING, port.name(), port.protocol());
  }

  /**
   * The numbers {@code port} names on {@code target}; with no target (sizing a chain), one
   * placeholder.
   */
  private static TreeSet<Integer> resolve(Pod target, PolicyPort port) {
    TreeSet<Integer> out = new TreeSet<>();
    if (target == null) {
      out.add(65535);
      return out;
    }
    for (ContainerPort cp : target.ports()) {
      if (port.name().equals(cp.name()) && cp.protocol() == port.protocol()) {
        out.add(cp.port());
      }
    }
    return out;
  }
}
