package io.fenceline.engine.topology;

import io.fenceline.core.compile.PolicyCompiler;
import io.fenceline.core.facts.PartitionRouter;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.kafka.topics.NodePartitions;
import java.util.List;

/** The engine's state for one cluster: its incremental compiler and its partition router. */
final class ClusterCompilation {
  private final PolicyCompiler compiler = new PolicyCompiler();
  private final PartitionRouter router;

  ClusterCompilation(String cluster, int nodeFactPartitions) {
    this.router =
        new PartitionRouter(node -> NodePartitions.partitionOf(cluster, node, nodeFactPartitions));
  }

  List<PartitionRouter.Routed> apply(ClusterChange change) {
    return router.route(compiler.apply(change));
  }
}
