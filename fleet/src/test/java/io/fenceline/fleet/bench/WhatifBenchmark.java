package io.fenceline.fleet.bench;

import io.fenceline.core.events.EventObjects;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.LabelSelector;
import io.fenceline.core.model.Namespace;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.Pod;
import io.fenceline.core.whatif.WhatIf;
import io.fenceline.fleet.Change;
import io.fenceline.fleet.Fleet;
import io.fenceline.fleet.FleetGenerator;
import io.fenceline.fleet.FleetSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code whatif} on one generated cluster (a main, not a test): the cluster of the fleet
 * generator's first cluster as the recorded state (decoded as the engine decodes events), then four
 * proposals compared against it: a policy edit (its last ingress rule dropped), a new default deny
 * (ingress and egress) in the namespace with the most pods, that namespace relabelled (its labels
 * removed), and the policy with rules selecting the most pods deleted. Per proposal and run: wall
 * time of {@link WhatIf#compare}, the changes, flows explained, pod groups, the peak heap of the
 * comparison; {@code RESULT} lines and the load before and after.
 *
 * <p>Arguments: {@code [clusters/nodes/pods/policies] [runs]}, default {@code 1/150/15000/2000 3}.
 */
public final class WhatifBenchmark {
  public static void main(String[] args) throws Exception {
    FleetSpec spec = FleetSpec.parse(args.length > 0 ? args[0] : "1/150/15000/2000");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    System.out.println("loadavg before: " + load());
    Fleet fleet = FleetGenerator.generate(spec, 42);
    List<ClusterObject> state = new ArrayList<>();
    Instant at = Instant.parse("2026-12-04T00:00:00Z");
    for (Change c : fleet.clusters().get(0).snapshot()) {
      ClusterObject o = EventObjects.decode(c.event(at, 1), "bench").object();
      if (o != null) {
        state.add(o);
      }
    }
    long pods = state.stream().filter(o -> o instanceof Pod).count();
    long policies = state.stream().filter(o -> o instanceof NetworkPolicy).count();
    System.out.printf(
        "cluster: %,d objects, %,d pods, %,d policies (%s)%n", state.size(), pods, policies, spec);

    Map<String, UnaryOperator<List<ClusterObject>>> proposals = new java.util.LinkedHashMap<>();
    proposals.put("policy-edit", WhatifBenchmark::editPolicy);
    proposals.put("namespace-default-deny", WhatifBenchmark::defaultDeny);
    proposals.put("namespace-relabel", WhatifBenchmark::relabelNamespace);
    proposals.put("policy-delete", WhatifBenchmark::deletePolicy);
    for (Map.Entry<String, UnaryOperator<List<ClusterObject>>> p : proposals.entrySet()) {
      List<ClusterObject> after = p.getValue().apply(state);
      for (int run = 0; run < runs; run++) {
        System.gc();
        resetPeaks();
        long started = System.nanoTime();
        WhatIf.Report r = WhatIf.compare(state, after, 3);
        double secs = (System.nanoTime() - started) / 1e9;
        long pairs = r.changes().stream().mapToLong(WhatIf.Change::pairs).sum();
        System.out.printf(
            "RESULT whatif proposal=%s run=%d seconds=%.2f changes=%d pairs=%,d evaluations=%,d"
                + " groups=%d peak_heap_mib=%d load=%s%n",
            p.getKey(),
            run,
            secs,
            r.changes().size(),
            pairs,
            r.evaluations(),
            r.groups(),
            peakHeap() >> 20,
            load());
      }
    }
    System.out.println("loadavg after: " + load());
  }

  private static List<ClusterObject> editPolicy(List<ClusterObject> state) {
    NetworkPolicy p = firstPolicy(state, q -> !q.ingress().isEmpty());
    NetworkPolicy edited =
        new NetworkPolicy(
            p.key(),
            p.podSelector(),
            p.policyTypes(),
            p.ingress().subList(0, p.ingress().size() - 1),
            p.egress(),
            p.failedClosed());
    return replace(state, p, edited);
  }

  private static List<ClusterObject> defaultDeny(List<ClusterObject> state) {
    String ns =
        state.stream()
            .filter(o -> o instanceof Pod)
            .map(o -> ((Pod) o).namespace())
            .collect(
                java.util.stream.Collectors.groupingBy(
                    n -> n, java.util.stream.Collectors.counting()))
            .entrySet()
            .stream()
            .max(Map.Entry.comparingByValue())
            .orElseThrow()
            .getKey();
    List<ClusterObject> out = new ArrayList<>(state);
    out.add(
        new NetworkPolicy(
            io.fenceline.core.model.ObjectKey.of(ns, "whatif-default-deny"),
            LabelSelector.EVERYTHING,
            EnumSet.of(Direction.INGRESS, Direction.EGRESS),
            List.of(),
            List.of(),
            false));
    return out;
  }

  private static List<ClusterObject> relabelNamespace(List<ClusterObject> state) {
    String name = largestNamespace(state);
    Namespace ns =
        state.stream()
            .filter(o -> o instanceof Namespace n && n.name().equals(name))
            .map(o -> (Namespace) o)
            .findFirst()
            .orElseThrow();
    return replace(state, ns, Namespace.of(ns.name(), Map.of()));
  }

  /** Deletes the policy with rules that selects the most pods. */
  private static List<ClusterObject> deletePolicy(List<ClusterObject> state) {
    NetworkPolicy p =
        state.stream()
            .filter(o -> o instanceof NetworkPolicy)
            .map(o -> (NetworkPolicy) o)
            .filter(q -> !q.ingress().isEmpty() || !q.egress().isEmpty())
            .max(
                Comparator.comparingLong(
                        (NetworkPolicy q) ->
                            state.stream()
                                .filter(
                                    o ->
                                        o instanceof Pod pod
                                            && pod.namespace().equals(q.namespace())
                                            && io.fenceline.core.compile.Selectors.matches(
                                                q.podSelector(), pod.labels()))
                                .count())
                    .thenComparing(NetworkPolicy::key, Comparator.reverseOrder()))
            .orElseThrow();
    List<ClusterObject> out = new ArrayList<>(state);
    out.remove(p);
    return out;
  }

  private static String largestNamespace(List<ClusterObject> state) {
    return state.stream()
        .filter(o -> o instanceof Pod)
        .map(o -> ((Pod) o).namespace())
        .collect(
            java.util.stream.Collectors.groupingBy(
                n -> n, java.util.TreeMap::new, java.util.stream.Collectors.counting()))
        .entrySet()
        .stream()
        .max(Map.Entry.comparingByValue())
        .orElseThrow()
        .getKey();
  }

  private static NetworkPolicy firstPolicy(
      List<ClusterObject> state, java.util.function.Predicate<NetworkPolicy> which) {
    return state.stream()
        .filter(o -> o.kind() == Kind.NETWORK_POLICY)
        .map(o -> (NetworkPolicy) o)
        .filter(which)
        .min(Comparator.comparing(NetworkPolicy::key))
        .orElseThrow();
  }

  private static List<ClusterObject> replace(
      List<ClusterObject> state, ClusterObject old, ClusterObject replacement) {
    List<ClusterObject> out = new ArrayList<>(state);
    out.set(out.indexOf(old), replacement);
    return out;
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  private static String load() throws java.io.IOException {
    return Files.readString(Path.of("/proc/loadavg")).trim();
  }
}
