package io.fenceline.fleet;

import java.util.ArrayList;
import java.util.List;

/** A generated fleet: its spec, seed and clusters (mutable: churn changes them). */
public final class Fleet {
  private final FleetSpec spec;
  private final long seed;
  private final List<SimCluster> clusters;

  Fleet(FleetSpec spec, long seed, List<SimCluster> clusters) {
    this.spec = spec;
    this.seed = seed;
    this.clusters = List.copyOf(clusters);
  }

  /** The same fleet (the same clusters, not copies). */
  protected Fleet(Fleet fleet) {
    this(fleet.spec, fleet.seed, fleet.clusters);
  }

  public FleetSpec spec() {
    return spec;
  }

  public long seed() {
    return seed;
  }

  public List<SimCluster> clusters() {
    return clusters;
  }

  /** Every cluster's whole state as upserts, cluster after cluster. */
  public List<Change> snapshot() {
    List<Change> out = new ArrayList<>();
    clusters.forEach(c -> out.addAll(c.snapshot()));
    return out;
  }

  /** Every node of the fleet. */
  public List<NodeRef> nodes() {
    List<NodeRef> out = new ArrayList<>();
    for (SimCluster c : clusters) {
      for (int n = 0; n < c.nodeCount(); n++) {
        out.add(new NodeRef(c.name(), c.nodeName(n)));
      }
    }
    return out;
  }

  public int podCount() {
    return clusters.stream().mapToInt(SimCluster::podCount).sum();
  }

  public int policyCount() {
    return clusters.stream().mapToInt(c -> c.policies.size()).sum();
  }
}
