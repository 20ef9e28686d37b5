package io.fenceline.core.render;

import io.fenceline.core.facts.FactTable;
import io.fenceline.core.facts.NodeModel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders the nodes of one fact table one after the other, each set's restore text once: every node
 * whose rules use a set holds the same members of it, so its {@code ipset restore} block is the
 * same bytes on all of them. Byte-identical to {@link NodeRenderer#render} of {@link
 * FactTable#nodeModel}; a node's members are never copied. Keeps the text of the sets rendered so
 * far (memory grows with the cluster's distinct set members, not with its nodes). For a table that
 * does not change between calls ({@code fenceline compile}); nodes may be rendered from several
 * threads at once (the table is only read). Pure.
 */
public final class ClusterRenderer {
  private final FactTable facts;
  private final Map<String, String> setBlocks = new ConcurrentHashMap<>();

  public ClusterRenderer(FactTable facts) {
    this.facts = facts;
  }

  /** The node's full payload ({@code fenceline compile}'s contract). */
  public NodePayload render(String node) {
    return render(facts.nodeStructure(node));
  }

  /** The payload of the node whose {@link FactTable#nodeStructure} is {@code structure}. */
  public NodePayload render(NodeModel structure) {
    NodeRenderer.Structure rules = NodeRenderer.rules(structure);
    StringBuilder ipsets = new StringBuilder();
    for (SetSlot slot : rules.slots()) {
      ipsets.append(
          setBlocks.computeIfAbsent(
              slot.name(),
              name -> {
                StringBuilder sb = new StringBuilder();
                PayloadText.rebuild(sb, slot.withMembers(facts.members(slot.ref().id())));
                return sb.toString();
              }));
    }
    RenderedNode chains = rules.chains();
    return new NodePayload(
        chains.node(),
        ipsets.toString(),
        PayloadText.filter(chains, 4),
        PayloadText.filter(chains, 6));
  }
}
