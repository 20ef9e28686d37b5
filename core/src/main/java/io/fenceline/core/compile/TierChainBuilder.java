package io.fenceline.core.compile;

import io.fenceline.core.facts.Clause;
import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.PolicyPort;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.model.TierAction;
import io.fenceline.core.model.TierRule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one ClusterNetworkPolicy direction into a chain of clauses that carry their rule's action,
 * in written order: the first clause that matches decides. Peers and ports become sets and matches
 * as for a NetworkPolicy ({@link ChainBuilder}); sets are shared with NetworkPolicies that select
 * the same pods.
 *
 * <p>A destination named port names a container port of any protocol: it becomes one named port per
 * protocol (a pod's port names are unique, so at most one of them matches). A Deny or Pass rule
 * with a peer fenceline cannot evaluate denies everything (one clause without matches); an Accept
 * rule whose peers all are such matches nothing (no clause).
 */
final class TierChainBuilder {
  private static final ChainBuilder.PeerGroup ANY_PEER =
      new ChainBuilder.PeerGroup(null, null, " any peer");

  private TierChainBuilder() {}

  /** Whether the chain differs between target pods: ingress named ports resolve on the target. */
  static boolean dependsOnTarget(ClusterNetworkPolicy policy, Direction dir) {
    if (dir == Direction.EGRESS) {
      return false;
    }
    for (TierRule rule : policy.rules(dir)) {
      for (PolicyPort port : rule.ports()) {
        if (port.isNamed()) {
          return true;
        }
      }
    }
    return false;
  }

  static ChainBuilder.Built build(ClusterNetworkPolicy policy, Direction dir, Pod target) {
    List<Clause> clauses = new ArrayList<>();
    Map<String, PeerSetDef> sets = new TreeMap<>();
    List<TierRule> rules = policy.rules(dir);
    String who =
        "ClusterNetworkPolicy "
            + policy.name()
            + " "
            + policy.tier().apiName()
            + " priority "
            + policy.priority()
            + " "
            + dir.lowerName()
            + " ";
    for (int r = 0; r < rules.size(); r++) {
      TierRule rule = rules.get(r);
      String label = who + rule.label(r) + " " + rule.action().apiName();
      if (rule.deniesAll()) {
        ChainBuilder.addClauses(
            clauses,
            sets,
            null,
            dir,
            target,
            ANY_PEER,
            null,
            label + " (a peer fails closed: denies everything)",
            TierAction.DENY);
        continue;
      }
      if (rule.peers().isEmpty()) {
        continue; // an Accept rule whose every peer fails closed matches nothing
      }
      List<PolicyPort> ports = ports(rule);
      for (ChainBuilder.PeerGroup group : ChainBuilder.groups(null, rule.peers())) {
        for (PolicyPort port : ports) {
          ChainBuilder.addClauses(
              clauses, sets, null, dir, target, group, port, label + group.label(), rule.action());
        }
      }
    }
    return ChainBuilder.built(
        "cnp " + policy.name() + " " + dir.lowerName(), policy.key(), dir, clauses, sets);
  }

  /** The rule's ports, a named port once per protocol; {@code [null]} for every port. */
  private static List<PolicyPort> ports(TierRule rule) {
    if (rule.ports().isEmpty()) {
      return Collections.singletonList(null);
    }
    List<PolicyPort> out = new ArrayList<>();
    for (PolicyPort p : rule.ports()) {
      if (p.isNamed() && p.protocol() == null) {
        for (Protocol proto : Protocol.values()) {
          out.add(PolicyPort.named(proto, p.name()));
        }
      } else {
        out.add(p);
      }
    }
    return out;
  }
}
