package io.fenceline.engine.topology;

import io.fenceline.core.compile.PolicyCompiler;
import io.fenceline.core.compile.PriorityClashes;
import io.fenceline.core.facts.PartitionRouter;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.Kind;
import io.fenceline.kafka.topics.NodePartitions;
import java.util.List;
import java.util.Map;

/**
 * The engine's state for one cluster: its incremental compiler, its partition router and the
 * ClusterNetworkPolicies that share a tier and priority.
 */
final class ClusterCompilation {
  private final PolicyCompiler compiler = new PolicyCompiler();
  private final PriorityClashes clashes = new PriorityClashes();
  private final PartitionRouter router;

  ClusterCompilation(String cluster, int nodeFactPartitions) {
    this.router =
        new PartitionRouter(node -> NodePartitions.partitionOf(cluster, node, nodeFactPartitions));
  }

  List<PartitionRouter.Routed> apply(ClusterChange change) {
    return router.route(compiler.apply(change));
  }

  /**
   * The priority warnings {@code change} changes, by ClusterNetworkPolicy name (null: cleared);
   * empty for other kinds.
   */
  Map<String, String> warningsOf(ClusterChange change) {
    if (change.kind() != Kind.CLUSTER_NETWORK_POLICY) {
      return Map.of();
    }
    return clashes.apply(
        change.key().name(),
        change instanceof ClusterChange.Upsert u ? (ClusterNetworkPolicy) u.object() : null);
  }
}
