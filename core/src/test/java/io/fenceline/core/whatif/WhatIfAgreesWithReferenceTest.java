package io.fenceline.core.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.Namespace;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.reference.Flow;
import io.fenceline.core.reference.ReferenceModel;
import io.fenceline.core.testing.ClusterState;
import io.fenceline.core.testing.RandomClusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@code whatif} against brute force: on random small clusters and a random change (other policies
 * and ClusterNetworkPolicies, namespaces relabelled), the pod pairs it reports are exactly the
 * pairs whose verdict the reference model changes, on every probed port and protocol; and every
 * changed flow between a pod and an outside address lies in a reported range.
 */
class WhatIfAgreesWithReferenceTest {
  @Property(tries = 200)
  void reportsExactlyThePairsTheReferenceModelChanges(
      @ForAll("clusters") ClusterState a,
      @ForAll("clusters") ClusterState b,
      @ForAll("externals") List<IpAddress> externals) {
    List<ClusterObject> before = a.objects();
    List<ClusterObject> after = changed(a, b);
    WhatIf.Report report = WhatIf.compare(before, after, Integer.MAX_VALUE);
    ReferenceModel was = new ReferenceModel(before);
    ReferenceModel will = new ReferenceModel(after);

    List<Pod> pods =
        a.pods().stream().filter(p -> !p.ips().isEmpty() && !p.phase().finished()).toList();
    Set<String> expected = new TreeSet<>();
    for (Pod x : pods) {
      for (Pod y : pods) {
        if (x == y) {
          continue;
        }
        for (IpAddress ix : x.ips()) {
          for (IpAddress iy : y.ips()) {
            if (ix.family() != iy.family()) {
              continue;
            }
            for (Protocol proto : Protocol.values()) {
              for (int port : RandomClusters.PORTS) {
                Flow f =
                    new Flow(
                        Flow.Endpoint.pod(x.key(), ix),
                        Flow.Endpoint.pod(y.key(), iy),
                        proto,
                        port);
                if (was.allows(f) != will.allows(f)) {
                  expected.add(
                      x.key()
                          + " -> "
                          + y.key()
                          + " v"
                          + ix.family()
                          + " "
                          + proto.kernelName()
                          + "/"
                          + port);
                }
              }
            }
          }
        }
      }
    }
    Set<String> reported = new TreeSet<>();
    for (WhatIf.Change c : report.changes()) {
      if (c.source().range() || c.destination().range()) {
        continue;
      }
      for (String pair : c.examples()) {
        for (Protocol proto : Protocol.values()) {
          for (int port : RandomClusters.PORTS) {
            if (WhatIfReports.covers(c.ports(), proto, port)) {
              reported.add(pair + " v" + c.family() + " " + proto.kernelName() + "/" + port);
            }
          }
        }
      }
    }
    String context =
        "before\n"
            + a
            + "after\n"
            + ClusterState.of(after.toArray(ClusterObject[]::new))
            + "report "
            + report;
    assertThat(reported).as(context).isEqualTo(expected);
    net.jqwik.api.statistics.Statistics.label("pod pairs changed")
        .collect(expected.isEmpty() ? "none" : expected.size() < 50 ? "1-49" : "50+");

    // Outside addresses: every changed flow lies in a reported range with the pod's pairs.
    for (Pod x : pods) {
      for (IpAddress ip : x.ips()) {
        for (IpAddress ext : externals) {
          if (ext.family() != ip.family()
              || a.pods().stream().anyMatch(p -> p.ips().contains(ext))) {
            continue;
          }
          for (Protocol proto : Protocol.values()) {
            for (int port : RandomClusters.PORTS) {
              Flow out =
                  new Flow(
                      Flow.Endpoint.pod(x.key(), ip), Flow.Endpoint.external(ext), proto, port);
              if (was.allows(out) != will.allows(out)) {
                assertThat(report.changes())
                    .as("%s in %s", out, context)
                    .anyMatch(
                        c ->
                            c.destination().range()
                                && WhatIfReports.inRange(c.destination().label(), ext)
                                && c.examples().stream()
                                    .anyMatch(e -> e.startsWith(x.key() + " -> "))
                                && WhatIfReports.covers(c.ports(), proto, port));
              }
              Flow in =
                  new Flow(
                      Flow.Endpoint.external(ext), Flow.Endpoint.pod(x.key(), ip), proto, port);
              if (was.allows(in) != will.allows(in)) {
                assertThat(report.changes())
                    .as("%s in %s", in, context)
                    .anyMatch(
                        c ->
                            c.source().range()
                                && WhatIfReports.inRange(c.source().label(), ext)
                                && c.destination().examples().contains(x.key().toString())
                                && WhatIfReports.covers(c.ports(), proto, port));
              }
            }
          }
        }
      }
    }
  }

  /**
   * a's pods, nodes and namespace names; b's namespace labels where b has the namespace, b's
   * policies.
   */
  private static List<ClusterObject> changed(ClusterState a, ClusterState b) {
    Map<String, Namespace> bNamespaces =
        b.namespaces().stream().collect(Collectors.toMap(Namespace::name, n -> n));
    List<Namespace> namespaces = new ArrayList<>();
    for (Namespace n : a.namespaces()) {
      namespaces.add(bNamespaces.getOrDefault(n.name(), n));
    }
    Set<String> names = namespaces.stream().map(Namespace::name).collect(Collectors.toSet());
    List<NetworkPolicy> policies =
        b.policies().stream().filter(p -> names.contains(p.namespace())).toList();
    return new ClusterState(namespaces, a.pods(), policies, b.clusterPolicies(), a.nodeObjects())
        .objects();
  }

  @Provide
  Arbitrary<ClusterState> clusters() {
    return RandomClusters.clusters();
  }

  @Provide
  Arbitrary<List<IpAddress>> externals() {
    return RandomClusters.externals();
  }
}
