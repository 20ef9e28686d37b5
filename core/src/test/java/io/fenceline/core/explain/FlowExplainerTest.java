package io.fenceline.core.explain;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.reference.Flow;
import io.fenceline.core.reference.ReferenceModel;
import io.fenceline.core.testing.ClusterState;
import io.fenceline.core.testing.RandomClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class FlowExplainerTest {
  private static List<ClusterObject> seed() throws Exception {
    Path golden = Path.of(System.getProperty("golden.dir", "src/test/resources/golden"));
    DecodedObjects d =
        Manifests.decode(
            ManifestParser.parse(
                "seed.yaml", Files.readString(golden.resolve("seed/manifests.yaml"))));
    return d.objects().stream().map(DecodedObjects.Located::object).toList();
  }

  @Test
  void namesThePolicyRuleAndPeerThatAllowed() throws Exception {
    FlowExplainer e = new FlowExplainer(seed());
    FlowExplainer.Explanation x =
        e.explain(
            e.endpoint("default/frontend-0", 4), e.endpoint("default/db-0", 4), Protocol.TCP, 6379);
    assertThat(x.allowed()).isTrue();
    assertThat(x.egress().isolated()).isFalse();
    assertThat(x.ingress().isolatingPolicies())
        .containsExactly(ObjectKey.of("default", "test-network-policy"));
    assertThat(x.ingress().match())
        .isEqualTo(new FlowExplainer.Match(ObjectKey.of("default", "test-network-policy"), 0, 2));
  }

  @Test
  void saysNoRuleMatchedForADeniedFlowAndResolvesIpsToPods() throws Exception {
    FlowExplainer e = new FlowExplainer(seed());
    FlowExplainer.Explanation x =
        e.explain(e.endpoint("10.244.1.12", 4), e.endpoint("10.244.1.10", 4), Protocol.TCP, 6379);
    assertThat(x.src().pod()).isEqualTo(ObjectKey.of("other", "client-0"));
    assertThat(x.allowed()).isFalse();
    assertThat(x.ingress().isolated()).isTrue();
    assertThat(x.ingress().match()).isNull();
    FlowExplainer.Explanation ext =
        e.explain(e.endpoint("172.17.1.9", 4), e.endpoint("default/db-0", 4), Protocol.TCP, 6379);
    assertThat(ext.src().pod()).isNull();
    assertThat(ext.allowed()).as("inside the except").isFalse();
  }

  /** The explainer's verdict is the reference model's, on random clusters and every flow. */
  @Property(tries = 150)
  void agreesWithTheReferenceModel(@ForAll("clusters") ClusterState state) {
    FlowExplainer e = new FlowExplainer(state.objects());
    ReferenceModel ref = new ReferenceModel(state.objects());
    List<Pod> hosts = new ArrayList<>();
    state.pods().stream()
        .filter(p -> !p.ips().isEmpty() && !p.phase().finished())
        .forEach(hosts::add);
    for (Pod a : hosts) {
      for (Pod b : hosts) {
        if (a == b) {
          continue;
        }
        for (IpAddress ia : a.ips()) {
          for (IpAddress ib : b.ips()) {
            if (ia.family() != ib.family()) {
              continue;
            }
            for (Protocol proto : Protocol.values()) {
              for (int port : RandomClusters.PORTS) {
                boolean expected =
                    ref.allows(
                        new Flow(
                            Flow.Endpoint.pod(a.key(), ia),
                            Flow.Endpoint.pod(b.key(), ib),
                            proto,
                            port));
                boolean got =
                    e.explain(
                            new FlowExplainer.Endpoint(ia, a.key()),
                            new FlowExplainer.Endpoint(ib, b.key()),
                            proto,
                            port)
                        .allowed();
                assertThat(got)
                    .as("%s -> %s %s/%d in\n%s", a.key(), b.key(), proto, port, state)
                    .isEqualTo(expected);
              }
            }
          }
        }
      }
    }
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<ClusterState> clusters() {
    return RandomClusters.clusters();
  }
}
