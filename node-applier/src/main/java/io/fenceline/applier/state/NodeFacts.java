package io.fenceline.applier.state;

import io.fenceline.applier.sync.DesiredNode;
import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.FactKey;
import io.fenceline.core.facts.FactTable;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.facts.SetEntry;
import java.util.SortedSet;

/**
 * What an applier keeps of its partition: every shared fact of its cluster (chains and set members:
 * a pod scheduled here tomorrow may need a set another node needs today; the engine will not send
 * them again while the partition holds them) and, of the bindings, only its own node's.
 */
public final class NodeFacts implements DesiredNode {
  private final String cluster;
  private final String node;
  private final FactTable table = new FactTable();
  private long records;

  public NodeFacts(String cluster, String node) {
    this.cluster = cluster;
    this.node = node;
  }

  /** Applies one decoded record; returns whether it concerns this node (so a render may be due). */
  public boolean apply(FactCodec.Decoded d) {
    if (!d.cluster().equals(cluster)) {
      return false;
    }
    if (d.key() instanceof FactKey.Binding b && !b.node().equals(node)) {
      return false;
    }
    table.apply(new FactChange(d.key(), d.value()));
    records++;
    return true;
  }

  @Override
  public NodeModel model() {
    return table.nodeModel(node);
  }

  @Override
  public NodeModel structure() {
    return table.nodeStructure(node);
  }

  @Override
  public SortedSet<SetEntry> members(String setId) {
    return table.members(setId);
  }

  public long records() {
    return records;
  }

  public int memberCount() {
    return table.memberCount();
  }
}
