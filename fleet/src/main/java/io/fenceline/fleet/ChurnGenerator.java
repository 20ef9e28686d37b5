package io.fenceline.fleet;

import java.util.List;
import java.util.Random;

/**
 * The churn of a fleet, from a seed: single changes in a steady mix (per 1,000: 450 pod relabels,
 * 250 pod creations, 250 pod deletions, 40 policy edits, 10 namespace relabels, in a cluster chosen
 * at random), and rollout bursts (every pod of one app of one namespace replaced at once). Each
 * change updates the fleet, so the churn stays valid against it. Same fleet, seed and calls, same
 * changes.
 */
public final class ChurnGenerator {
  private final Fleet fleet;
  private final Random random;

  public ChurnGenerator(Fleet fleet, long seed) {
    this.fleet = fleet;
    this.random = new Random(seed * 31 + 7);
  }

  /** The next change of the steady mix. */
  public Change next() {
    SimCluster c = fleet.clusters().get(random.nextInt(fleet.clusters().size()));
    int draw = random.nextInt(1000);
    if (draw < 10) {
      return c.relabelNamespace(appNamespace(c), random);
    }
    if (draw < 50 && !c.policies.isEmpty()) {
      SimPolicy p = c.policies.get(random.nextInt(c.policies.size()));
      if (p.shape != PolicyShape.DEFAULT_DENY) {
        return c.editPolicy(p, random);
      }
    }
    SimPod app = randomAppPod(c);
    if (draw < 500 && app != null) {
      return c.relabelPod(app, random);
    }
    if (draw < 750 || app == null) {
      SimNamespace ns = appNamespace(c);
      return c.addPod(
          ns,
          ns.apps.get(random.nextInt(ns.apps.size())),
          null,
          null,
          -1,
          false,
          random,
          ChangeKind.POD_CREATE);
    }
    return c.deletePod(app, ChangeKind.POD_DELETE);
  }

  /** Replaces every pod of one app of one application namespace of a random cluster. */
  public List<Change> rollout() {
    SimCluster c = fleet.clusters().get(random.nextInt(fleet.clusters().size()));
    SimNamespace ns = appNamespace(c);
    return c.rollout(ns, ns.apps.get(random.nextInt(ns.apps.size())), random);
  }

  /** A rollout of the app with the most pods in a random cluster (a large burst). */
  public List<Change> largestRollout() {
    SimCluster c = fleet.clusters().get(random.nextInt(fleet.clusters().size()));
    java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
    for (SimPod p : c.pods) {
      if (p.app != null) {
        counts.merge(p.namespace + "\0" + p.app.name(), 1, Integer::sum);
      }
    }
    String best =
        counts.entrySet().stream()
            .max(java.util.Map.Entry.comparingByValue())
            .orElseThrow()
            .getKey();
    SimNamespace ns = c.namespacesByName.get(best.substring(0, best.indexOf('\0')));
    String appName = best.substring(best.indexOf('\0') + 1);
    App app = ns.apps.stream().filter(a -> a.name().equals(appName)).findFirst().orElseThrow();
    return c.rollout(ns, app, random);
  }

  /** One pod of a random cluster moved to another app (for measuring the cost of one relabel). */
  public Change podRelabel() {
    SimCluster c = fleet.clusters().get(random.nextInt(fleet.clusters().size()));
    return c.relabelPod(randomAppPod(c), random);
  }

  /** A new pod of a random app in a random application namespace (it always changes its node). */
  public Change podCreate() {
    SimCluster c = fleet.clusters().get(random.nextInt(fleet.clusters().size()));
    SimNamespace ns = appNamespace(c);
    return c.addPod(
        ns,
        ns.apps.get(random.nextInt(ns.apps.size())),
        null,
        null,
        -1,
        false,
        random,
        ChangeKind.POD_CREATE);
  }

  /** A random application pod of a random cluster deleted. */
  public Change podDelete() {
    SimCluster c = fleet.clusters().get(random.nextInt(fleet.clusters().size()));
    return c.deletePod(randomAppPod(c), ChangeKind.POD_DELETE);
  }

  /** A random application pod of a random cluster given a new address on its node. */
  public Change podAddressChange() {
    SimCluster c = fleet.clusters().get(random.nextInt(fleet.clusters().size()));
    return c.changePodAddress(randomAppPod(c), random);
  }

  /**
   * A random application pod of a random cluster relabelled where no policy looks ({@code
   * version}).
   */
  public Change podVersionRelabel() {
    SimCluster c = fleet.clusters().get(random.nextInt(fleet.clusters().size()));
    return c.relabelPodVersion(randomAppPod(c), random);
  }

  /**
   * The next pod change of the engine benchmark's mix, per 100: 15 relabels (app and tier: the pod
   * moves between sets and policies), 15 version relabels (no policy reads them), 20 address
   * changes, 25 creations, 25 deletions (so the fleet keeps its size).
   */
  public Change podChurn() {
    int draw = random.nextInt(100);
    if (draw < 15) {
      return podRelabel();
    }
    if (draw < 30) {
      return podVersionRelabel();
    }
    if (draw < 50) {
      return podAddressChange();
    }
    return draw < 75 ? podCreate() : podDelete();
  }

  public Change namespaceRelabel() {
    SimCluster c = fleet.clusters().get(random.nextInt(fleet.clusters().size()));
    return c.relabelNamespace(appNamespace(c), random);
  }

  public Change policyEdit() {
    SimCluster c = fleet.clusters().get(random.nextInt(fleet.clusters().size()));
    for (int tries = 0; tries < 10_000 && !c.policies.isEmpty(); tries++) {
      SimPolicy p = c.policies.get(random.nextInt(c.policies.size()));
      if (p.shape != PolicyShape.DEFAULT_DENY) {
        return c.editPolicy(p, random);
      }
    }
    throw new IllegalStateException(
        "cluster " + c.name() + " has no policy to edit but default denies");
  }

  private SimNamespace appNamespace(SimCluster c) {
    while (true) {
      SimNamespace ns = c.namespaces.get(random.nextInt(c.namespaces.size()));
      if (!ns.infrastructure) {
        return ns;
      }
    }
  }

  /** An application pod, or null when the cluster has none. */
  private SimPod randomAppPod(SimCluster c) {
    for (int tries = 0; tries < 20 && !c.pods.isEmpty(); tries++) {
      SimPod p = c.pods.get(random.nextInt(c.pods.size()));
      if (p.app != null) {
        return p;
      }
    }
    return null;
  }
}
