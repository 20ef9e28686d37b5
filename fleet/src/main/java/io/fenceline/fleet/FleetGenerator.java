package io.fenceline.fleet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds a fleet from a seed: per cluster, nodes with a /24 of pod addresses each (≤ 110 pods),
 * infrastructure namespaces (kube-system with CoreDNS, monitoring with Prometheus and a hostNetwork
 * node-exporter per node, ingress-nginx), application namespaces of about 50 pods labelled {@code
 * team} and {@code env} running 3–6 apps (at least a frontend, a backend and a data store) with
 * named ports, and the policies of every {@link PolicyShape}, spread over the application
 * namespaces. Same seed and spec, same fleet.
 */
public final class FleetGenerator {
  static final List<String> ENVS =
      List.of("prod", "prod", "prod", "prod", "staging", "staging", "staging", "dev", "dev", "dev");
  private static final int PODS_PER_NAMESPACE = 50;
  private static final List<PolicyShape> FIXED_SHAPES =
      List.of(
          PolicyShape.DEFAULT_DENY,
          PolicyShape.FRONTEND_TO_BACKEND,
          PolicyShape.FROM_INGRESS_CONTROLLER,
          PolicyShape.FROM_MONITORING,
          PolicyShape.TEAM_WIDE,
          PolicyShape.EGRESS_TO_DATA,
          PolicyShape.MATCH_EXPRESSIONS,
          PolicyShape.EGRESS_LOCKDOWN);

  private FleetGenerator() {}

  public static Fleet generate(FleetSpec spec, long seed) {
    Random random = new Random(seed);
    List<SimCluster> clusters = new ArrayList<>();
    for (int c = 0; c < spec.clusters(); c++) {
      clusters.add(
          cluster(
              String.format("c%02d", c),
              spec.nodesOf(c),
              spec.podsOf(c),
              spec.policiesOf(c),
              random));
    }
    return new Fleet(spec, seed, clusters);
  }

  private static SimCluster cluster(String name, int nodes, int pods, int policies, Random random) {
    SimCluster cluster = new SimCluster(name, nodes);
    SimNamespace kubeSystem =
        cluster.addNamespace(new SimNamespace("kube-system", "platform", "prod", true));
    SimNamespace monitoring =
        cluster.addNamespace(new SimNamespace("monitoring", "platform", "prod", true));
    SimNamespace ingress =
        cluster.addNamespace(new SimNamespace("ingress-nginx", "platform", "prod", true));
    int appPods = pods;
    for (int i = 0; i < Math.max(2, nodes / 100) && appPods > 0; i++, appPods--) {
      cluster.addPod(
          kubeSystem,
          null,
          Map.of("k8s-app", "kube-dns"),
          List.of(
              new SimPod.Port("dns", 53, "UDP"),
              new SimPod.Port("dns-tcp", 53, "TCP"),
              new SimPod.Port("metrics", 9153, "TCP")),
          -1,
          false,
          random,
          ChangeKind.INITIAL);
    }
    for (int i = 0; i < 2 && appPods > 0; i++, appPods--) {
      cluster.addPod(
          monitoring,
          null,
          Map.of("app", "prometheus"),
          List.of(new SimPod.Port("web", 9090, "TCP")),
          -1,
          false,
          random,
          ChangeKind.INITIAL);
    }
    for (int i = 0; i < 2 && appPods > 0; i++, appPods--) {
      cluster.addPod(
          ingress,
          null,
          Map.of("app", "ingress-nginx"),
          List.of(new SimPod.Port("http", 80, "TCP"), new SimPod.Port("https", 443, "TCP")),
          -1,
          false,
          random,
          ChangeKind.INITIAL);
    }
    for (int n = 0; n < nodes && appPods > 0; n++, appPods--) {
      cluster.addPod(
          monitoring,
          null,
          Map.of("app", "node-exporter"),
          List.of(new SimPod.Port("metrics", 9100, "TCP")),
          n,
          true,
          random,
          ChangeKind.INITIAL);
    }

    int namespaceCount = Math.max(2, appPods / PODS_PER_NAMESPACE);
    int teams = Math.max(2, namespaceCount / 10);
    List<SimNamespace> appNamespaces = new ArrayList<>();
    for (int i = 0; i < namespaceCount; i++) {
      SimNamespace ns =
          cluster.addNamespace(
              new SimNamespace(
                  String.format("ns-%04d", i),
                  String.format("team-%02d", random.nextInt(teams)),
                  ENVS.get(random.nextInt(ENVS.size())),
                  false));
      chooseApps(ns, random);
      appNamespaces.add(ns);
    }
    for (int i = 0; i < appPods; i++) {
      SimNamespace ns = appNamespaces.get(i % namespaceCount);
      App app = ns.apps.get(random.nextInt(ns.apps.size()));
      cluster.addPod(ns, app, null, null, -1, false, random, ChangeKind.INITIAL);
    }
    for (int i = 0; i < namespaceCount; i++) {
      SimNamespace ns = appNamespaces.get(i);
      int count = policies / namespaceCount + (i < policies % namespaceCount ? 1 : 0);
      for (int k = 0; k < count; k++) {
        if (k < FIXED_SHAPES.size()) {
          PolicyShape shape = FIXED_SHAPES.get(k);
          cluster.addPolicy(ns, shape, shape.name().toLowerCase().replace('_', '-'), null, null);
        } else {
          String target = ns.apps.get(random.nextInt(ns.apps.size())).name();
          String source = ns.apps.get(random.nextInt(ns.apps.size())).name();
          cluster.addPolicy(
              ns,
              PolicyShape.APP_TO_APP,
              "allow-" + source + "-to-" + target + "-" + k,
              target,
              source);
        }
      }
    }
    return cluster;
  }

  /** 3–6 apps, at least one of each tier. */
  private static void chooseApps(SimNamespace ns, Random random) {
    List<App> pool = new ArrayList<>(App.CATALOG);
    Collections.shuffle(pool, random);
    int count = 3 + random.nextInt(4);
    for (String tier : List.of("frontend", "backend", "data")) {
      App a = pool.stream().filter(x -> x.tier().equals(tier)).findFirst().orElseThrow();
      ns.apps.add(a);
      pool.remove(a);
    }
    while (ns.apps.size() < count) {
      ns.apps.add(pool.remove(0));
    }
    ns.apps.forEach(a -> ns.revisions.add(0));
  }
}
