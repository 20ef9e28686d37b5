package io.fenceline.applier.status;

import io.fenceline.kafka.topics.Receipt;

/**
 * One node's latest receipt and whether it is current: applied up to the end of its node-facts
 * partition ({@code partitionEnd}) and of its cluster's set-members partition ({@code setsEnd}, -1
 * when not known).
 */
public record NodeStatus(Receipt receipt, long partitionEnd, long setsEnd, boolean current) {
  /** A status that says nothing of the set-members partition. */
  public NodeStatus(Receipt receipt, long partitionEnd, boolean current) {
    this(receipt, partitionEnd, -1, current);
  }

  /** Whether the node has not applied all of its cluster's set members. */
  public boolean behindOnSets() {
    return setsEnd >= 0 && receipt.setsOffset() < setsEnd;
  }
}
