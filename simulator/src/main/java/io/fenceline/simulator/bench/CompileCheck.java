package io.fenceline.simulator.bench;

import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.manifest.ObjectDecoder;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.core.manifest.SourceLocation;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.render.NodePayload;
import io.fenceline.core.render.NodeRenderer;
import io.fenceline.core.render.PayloadText;
import io.fenceline.fleet.Change;
import io.fenceline.fleet.Fleet;
import io.fenceline.fleet.SimCluster;
import io.fenceline.simulator.applier.NodeReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares what every simulated applier applied last with a from-scratch compile of the fleet's
 * final state (what {@code fenceline compile} writes for it): the pipeline, after all the churn,
 * must have left every node exactly where a fresh compile puts it.
 */
final class CompileCheck {
  /** How many nodes matched, and the first that did not (null when all did). */
  record Outcome(int matching, int nodes, String firstMismatch) {}

  private CompileCheck() {}

  static Outcome check(Fleet fleet, List<NodeReport> reports) {
    Map<String, NodeReport> byNode = new HashMap<>();
    reports.forEach(r -> byNode.put(r.cluster() + "/" + r.node(), r));
    int matching = 0;
    int nodes = 0;
    String first = null;
    for (SimCluster c : fleet.clusters()) {
      List<ClusterChange> upserts = new ArrayList<>();
      for (Change change : c.snapshot()) {
        ObjectDecoder.Result r =
            ObjectDecoder.decode(new RawObject(change.object(), new SourceLocation(c.name(), 1)));
        if (r.object() != null) {
          upserts.add(ClusterChange.upsert(r.object()));
        }
      }
      CompiledCluster compiled = CompiledCluster.fromScratch(upserts);
      for (int n = 0; n < c.nodeCount(); n++) {
        String node = c.nodeName(n);
        nodes++;
        NodePayload want = NodeRenderer.render(compiled.nodeModel(node));
        NodeReport have = byNode.get(c.name() + "/" + node);
        NodePayload got =
            have == null || have.applied() == null
                ? NodeRenderer.render(new io.fenceline.core.facts.FactTable().nodeModel(node))
                : PayloadText.full(have.applied());
        if (want.equals(got)) {
          matching++;
        } else if (first == null) {
          first = c.name() + "/" + node;
        }
      }
    }
    return new Outcome(matching, nodes, first);
  }
}
