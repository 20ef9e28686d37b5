package io.fenceline.core.compile;

import io.fenceline.core.facts.FactTable;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.render.NodePayload;
import io.fenceline.core.render.NodeRenderer;
import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;

/** The result of compiling a whole cluster state from scratch: the folded facts and its nodes. */
public record CompiledCluster(FactTable facts, SortedSet<String> nodes, WorkCounters work) {

  /** Compiles a state given as upserts: the fold of {@link PolicyCompiler#apply} from empty. */
  public static CompiledCluster fromScratch(Collection<ClusterChange> upserts) {
    PolicyCompiler compiler = new PolicyCompiler();
    FactTable table = new FactTable();
    for (ClusterChange c : upserts) {
      table.apply(compiler.apply(c));
    }
    return new CompiledCluster(table, new TreeSet<>(compiler.nodeNames()), compiler.counters());
  }

  public NodeModel nodeModel(String node) {
    return facts.nodeModel(node);
  }

  public NodePayload payload(String node) {
    return NodeRenderer.render(facts.nodeModel(node));
  }
}
