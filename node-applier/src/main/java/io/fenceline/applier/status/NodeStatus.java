package io.fenceline.applier.status;

import io.fenceline.kafka.topics.Receipt;

/** One node's latest receipt and whether it is current (applied up to its partition's end). */
public record NodeStatus(Receipt receipt, long partitionEnd, boolean current) {}
