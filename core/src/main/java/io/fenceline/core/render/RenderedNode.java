package io.fenceline.core.render;

import java.util.List;
import java.util.Map;

/**
 * A node's desired kernel state in structured form: its sets, and per family the filter chains
 * fenceline owns with their rules (each rule a full {@code -A CHAIN ...} line, in order) and the
 * jump from FORWARD. {@link PayloadText} turns it into restore input, whole or as a delta.
 */
public record RenderedNode(
    String node,
    List<KernelSet> sets,
    Map<String, List<String>> chains4,
    Map<String, List<String>> chains6,
    String forwardJump) {

  public Map<String, List<String>> chains(int family) {
    return family == 4 ? chains4 : chains6;
  }

  /** Number of rules in the family's filter payload, the FORWARD jump included. */
  public int ruleCount(int family) {
    return chains(family).values().stream().mapToInt(List::size).sum() + 1;
  }
}
