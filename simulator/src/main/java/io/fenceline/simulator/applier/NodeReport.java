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
    long partitionBytesRead,
    RenderedNode applied) {

  /**
   * Bytes read / bytes needed: a real applier reads its whole node-facts partition and its
   * cluster's whole set-members partition.
   */
  public double readAmplification() {
    return neededBytes == 0 ? Double.NaN : (double) partitionBytesRead / neededBytes;
  }
}
