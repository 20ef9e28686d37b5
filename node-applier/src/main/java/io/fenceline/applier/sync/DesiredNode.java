package io.fenceline.applier.sync;

import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.facts.SetEntry;
import java.util.SortedSet;

/**
 * What a {@link NodeSync} reads of its node's desired state, folded by its owner (the applier's own
 * {@code NodeFacts}, or the simulator's table of a whole partition).
 */
public interface DesiredNode {
  /** Everything the node enforces, set members included (for a full apply). */
  NodeModel model();

  /** The node's bindings and chains, sets listed without members (for re-rendering its rules). */
  NodeModel structure();

  /** The current members of set {@code setId}. */
  SortedSet<SetEntry> members(String setId);
}
