package io.fenceline.simulator.bench;

import java.util.Map;

/**
 * The figures of one fleet size, as run (written to the results file and rendered into
 * docs/benchmarks.md). Times in ms unless named otherwise; NaN where a figure was not taken.
 */
public record FleetResult(
    String size,
    int clusters,
    int nodes,
    int pods,
    int policies,
    int nodeFactPartitions,
    long seed,
    String startedAt,
    String loadAverage,
    // initial load
    long initialEvents,
    double initialSeconds,
    double initialEventsPerSecond,
    long initialFactRecords,
    long initialFactBytes,
    // steady churn
    double offeredRate,
    long steadyEvents,
    double steadyPublishSeconds,
    double steadyEventsPerSecond,
    Percentiles steadyLatency,
    // rollout burst
    long burstEvents,
    Percentiles burstLatency,
    double burstDrainSeconds,
    // cost per change: kind -> {records, bytes} medians and maxima
    Map<String, Cost> costs,
    double readAmplificationMedian,
    double readAmplificationMax,
    // the same, of each partition alone: node-facts (chains, bindings) and set-members
    double factsReadAmplificationMedian,
    double setsReadAmplificationMedian,
    // state
    long rocksDbBytes,
    long heapUsedBytes,
    double engineRunningSeconds,
    double engineServingSeconds,
    // nodes
    Percentiles rulesPerNode,
    Percentiles membersPerNode,
    String largestNode,
    int largestNodeRules,
    int largestNodeMembers,
    double kernelIpsetMillis,
    double kernelIptablesMillis,
    double kernelIp6tablesMillis,
    int kernelRules,
    int nodesMatchingCompile,
    int nodesChecked,
    String machine) {

  /**
   * What one kind of change cost, over n samples: records and bytes written to node-facts,
   * partitions.
   */
  public record Cost(
      int samples,
      double recordsMedian,
      double recordsMax,
      double bytesMedian,
      double bytesMax,
      double partitionsMedian,
      double latencyMedianMillis) {}
}
