package io.fenceline.simulator.applier;

import io.fenceline.core.render.RenderedNode;

/**
 * One node as its simulated applier left it: rules (both families, the FORWARD jumps included) and
 * set members applied, applies done, and the bytes of its two partitions read against those it
 * needed.
 */
public record NodeReport(
    String cluster,
    String node,
    int partition,
    int rules,
    int setMembers,
    long applies,
    long neededBytes,
    long neededMemberBytes,
    long factsBytesRead,
    long setsBytesRead,
    RenderedNode applied) {

  /**
   * Bytes read / bytes needed: a real applier reads its whole node-facts partition and its
   * cluster's whole set-members partition.
   */
  public double readAmplification() {
    return ratio(factsBytesRead + setsBytesRead, neededBytes);
  }

  /** Of the node-facts partition alone: its bytes / the chain and binding bytes the node needed. */
  public double factsReadAmplification() {
    return ratio(factsBytesRead, neededBytes - neededMemberBytes);
  }

  /** Of the set-members partition alone: its bytes / the member bytes the node needed. */
  public double setsReadAmplification() {
    return ratio(setsBytesRead, neededMemberBytes);
  }

  private static double ratio(long read, long needed) {
    return needed <= 0 ? Double.NaN : (double) read / needed;
  }
}
