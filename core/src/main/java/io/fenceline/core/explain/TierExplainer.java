package io.fenceline.core.explain;

import io.fenceline.core.compile.PolicyCompiler;
import io.fenceline.core.compile.Selectors;
import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.Namespace;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.model.Tier;
import io.fenceline.core.model.TierAction;
import io.fenceline.core.model.TierRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds, for one side of a flow, the first ClusterNetworkPolicy rule of a tier that matches: the
 * tier's policies that select the pod in the order fenceline enforces them ({@link
 * PolicyCompiler#TIER_ORDER}: priority, then name), rules in written order. A Deny or Pass rule
 * with a peer that cannot be evaluated matches everything (it fails closed, as the API asks).
 */
final class TierExplainer {
  private final FlowExplainer explainer;
  private final FlowExplainer.State state;

  TierExplainer(FlowExplainer explainer, FlowExplainer.State state) {
    this.explainer = explainer;
    this.state = state;
  }

  /** The first matching rule of {@code tier} for {@code pod} in direction {@code d}, or null. */
  TierMatch first(
      Tier tier,
      Direction d,
      Pod pod,
      FlowExplainer.Endpoint peer,
      FlowExplainer.Endpoint dst,
      Protocol protocol,
      int port) {
    List<ClusterNetworkPolicy> ordered = new ArrayList<>();
    Map<String, String> nsLabels =
        state
            .namespaces()
            .getOrDefault(pod.namespace(), Namespace.of(pod.namespace(), Map.of()))
            .labels();
    for (ClusterNetworkPolicy c : state.clusterPolicies()) {
      if (c.tier() == tier
          && c.governs(d)
          && Selectors.matches(c.subjectNamespaces(), nsLabels)
          && Selectors.matches(c.subjectPods(), pod.labels())) {
        ordered.add(c);
      }
    }
    ordered.sort(PolicyCompiler.TIER_ORDER);
    for (ClusterNetworkPolicy c : ordered) {
      List<TierRule> rules = c.rules(d);
      for (int r = 0; r < rules.size(); r++) {
        TierRule rule = rules.get(r);
        boolean matches =
            rule.deniesAll()
                || (rule.peers().stream().anyMatch(p -> explainer.peerMatches(null, p, peer))
                    && explainer.portMatches(rule.ports(), dst, protocol, port));
        if (matches) {
          TierAction action = rule.deniesAll() ? TierAction.DENY : rule.action();
          return new TierMatch(tier, c.name(), c.priority(), r, rule.name(), action);
        }
      }
    }
    return null;
  }
}
