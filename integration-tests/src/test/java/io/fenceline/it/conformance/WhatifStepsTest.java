package io.fenceline.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.reference.Flow;
import io.fenceline.core.reference.ReferenceModel;
import io.fenceline.core.whatif.WhatIf;
import io.fenceline.core.whatif.WhatIfReports;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code whatif} on the conformance suite: for every case and every step, the change from the state
 * before the step to the state after it reports exactly the pod pairs (on the case's probe ports,
 * TCP, UDP and SCTP) whose verdict the reference model changes, and every changed flow between a
 * pod and an external host of the case lies in a reported range.
 */
class WhatifStepsTest {
  @TestFactory
  Stream<DynamicTest> everyStepOfEveryCase() throws IOException {
    return CaseFilesTest.caseFiles().stream()
        .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
  }

  private static void check(Path file) throws Exception {
    CaseFile c = CaseFile.read(file);
    CaseCluster cluster = CaseCluster.of(c);
    List<ClusterObject> before = objects(cluster, "initial");
    int stepNo = 0;
    for (CaseFile.Step step : c.steps()) {
      String where = c.name() + " step " + (stepNo++) + " (" + step.name() + ")";
      Set<String> liveBefore = cluster.liveHosts();
      Map<String, String> namesBefore = names(cluster);
      cluster.apply(step);
      List<ClusterObject> after = objects(cluster, where);
      WhatIf.Report report = WhatIf.compare(before, after, Integer.MAX_VALUE);
      ReferenceModel was = new ReferenceModel(before);
      ReferenceModel will = new ReferenceModel(after);
      List<CaseCluster.PodState> pods = new ArrayList<>();
      for (CaseCluster.PodState p : cluster.pods.values()) {
        // compared: in both states, under the same name
        if (!p.deleted && liveBefore.contains(p.id) && p.name().equals(namesBefore.get(p.id))) {
          pods.add(p);
        }
      }
      Set<String> expected = new TreeSet<>();
      for (CaseCluster.PodState x : pods) {
        for (CaseCluster.PodState y : pods) {
          if (x == y) {
            continue;
          }
          for (Protocol proto : Protocol.values()) {
            for (int port : c.ports()) {
              Flow f = new Flow(endpoint(x), endpoint(y), proto, port);
              if (was.allows(f) != will.allows(f)) {
                expected.add(key(x) + " -> " + key(y) + " " + proto.kernelName() + "/" + port);
              }
            }
          }
        }
      }
      Set<String> reported = new TreeSet<>();
      for (WhatIf.Change ch : report.changes()) {
        if (ch.family() != 4 || ch.source().range() || ch.destination().range()) {
          continue;
        }
        for (String pair : ch.examples()) {
          for (Protocol proto : Protocol.values()) {
            for (int port : c.ports()) {
              if (WhatIfReports.covers(ch.ports(), proto, port)) {
                reported.add(pair + " " + proto.kernelName() + "/" + port);
              }
            }
          }
        }
      }
      assertThat(reported).as(where).isEqualTo(expected);
      for (CaseCluster.PodState x : pods) {
        for (Map.Entry<String, String> ext : cluster.externals.entrySet()) {
          IpAddress ip = IpAddress.parse(ext.getValue());
          for (Protocol proto : Protocol.values()) {
            for (int port : c.ports()) {
              Flow out = new Flow(endpoint(x), Flow.Endpoint.external(ip), proto, port);
              if (was.allows(out) != will.allows(out)) {
                assertThat(report.changes())
                    .as("%s: %s", where, out)
                    .anyMatch(
                        ch ->
                            ch.destination().range()
                                && WhatIfReports.inRange(ch.destination().label(), ip)
                                && ch.source().examples().contains(key(x))
                                && WhatIfReports.covers(ch.ports(), proto, port));
              }
              Flow in = new Flow(Flow.Endpoint.external(ip), endpoint(x), proto, port);
              if (was.allows(in) != will.allows(in)) {
                assertThat(report.changes())
                    .as("%s: %s", where, in)
                    .anyMatch(
                        ch ->
                            ch.source().range()
                                && WhatIfReports.inRange(ch.source().label(), ip)
                                && ch.destination().examples().contains(key(x))
                                && WhatIfReports.covers(ch.ports(), proto, port));
              }
            }
          }
        }
      }
      before = after;
    }
  }

  private static Map<String, String> names(CaseCluster cluster) {
    Map<String, String> out = new java.util.HashMap<>();
    cluster.pods.values().forEach(p -> out.put(p.id, p.name()));
    return out;
  }

  private static String key(CaseCluster.PodState p) {
    return p.namespace() + "/" + p.name();
  }

  private static Flow.Endpoint endpoint(CaseCluster.PodState p) {
    return Flow.Endpoint.pod(ObjectKey.parse(key(p)), IpAddress.parse(p.ipv4));
  }

  private static List<ClusterObject> objects(CaseCluster cluster, String where) throws Exception {
    DecodedObjects d = Manifests.decode(ManifestParser.parse(where, cluster.manifests()));
    return d.objects().stream().map(DecodedObjects.Located::object).toList();
  }
}
