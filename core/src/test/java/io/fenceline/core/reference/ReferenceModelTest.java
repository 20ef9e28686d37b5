package io.fenceline.core.reference;

import static io.fenceline.core.model.Protocol.SCTP;
import static io.fenceline.core.model.Protocol.TCP;
import static io.fenceline.core.model.Protocol.UDP;
import static io.fenceline.core.testing.ClusterFixtures.ip;
import static io.fenceline.core.testing.ClusterFixtures.ipBlock;
import static io.fenceline.core.testing.ClusterFixtures.labels;
import static io.fenceline.core.testing.ClusterFixtures.namespace;
import static io.fenceline.core.testing.ClusterFixtures.namespacePeer;
import static io.fenceline.core.testing.ClusterFixtures.peer;
import static io.fenceline.core.testing.ClusterFixtures.pod;
import static io.fenceline.core.testing.ClusterFixtures.podPeer;
import static io.fenceline.core.testing.ClusterFixtures.policy;
import static io.fenceline.core.testing.ClusterFixtures.rule;
import static io.fenceline.core.testing.ClusterFixtures.selector;
import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.LabelSelector;
import io.fenceline.core.model.Namespace;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.PodPhase;
import io.fenceline.core.model.PolicyPort;
import io.fenceline.core.model.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reference model on hand-checked cases from the spec: it is only useful if it is right. */
class ReferenceModelTest {
  private final Namespace x = namespace("x").label("team", "a").build();
  private final Namespace y = namespace("y").label("team", "b").build();
  private final Pod a =
      pod("x", "a")
          .label("app", "a")
          .ip("10.244.1.10")
          .ip("fd00::a")
          .port("http", 8080, TCP)
          .build();
  private final Pod b = pod("x", "b").label("app", "b").ip("10.244.1.11").on("node-2").build();
  private final Pod c = pod("y", "c").label("app", "b").ip("10.244.1.12").build();
  private final Pod host =
      pod("y", "host").label("app", "b").ip("172.18.0.1").hostNetwork().build();

  private ReferenceModel model(ClusterObject... extra) {
    List<ClusterObject> all = new ArrayList<>(List.of(x, y, a, b, c, host));
    all.addAll(List.of(extra));
    return new ReferenceModel(all);
  }

  private static Flow flow(Pod from, Pod to, Protocol p, int port) {
    return new Flow(
        Flow.Endpoint.pod(from.key(), from.ips().get(0)),
        Flow.Endpoint.pod(to.key(), to.ips().get(0)),
        p,
        port);
  }

  @Test
  void withoutPoliciesEverythingIsAllowed() {
    assertThat(model().allows(flow(b, a, UDP, 53))).isTrue();
  }

  @Test
  void anEmptyIngressRuleListDeniesAllIngressButNotEgress() {
    ReferenceModel m = model(policy("x", "deny").select(labels("app", "a")).build());
    assertThat(m.allows(flow(b, a, TCP, 8080))).isFalse();
    assertThat(m.allows(flow(a, b, TCP, 8080))).isTrue();
  }

  @Test
  void aPodSelectorAlonePicksPodsOfThePolicysNamespaceOnly() {
    ReferenceModel m =
        model(
            policy("x", "p")
                .select(labels("app", "a"))
                .ingress(rule().from(podPeer(labels("app", "b"))))
                .build());
    assertThat(m.allows(flow(b, a, TCP, 1))).isTrue();
    assertThat(m.allows(flow(c, a, TCP, 1))).isFalse();
  }

  @Test
  void namespaceAndPodSelectorInOnePeerAreAnded() {
    ReferenceModel m =
        model(
            policy("x", "p")
                .select(labels("app", "a"))
                .ingress(rule().from(peer(labels("team", "b"), labels("app", "b"))))
                .build());
    assertThat(m.allows(flow(c, a, TCP, 1))).isTrue();
    assertThat(m.allows(flow(b, a, TCP, 1))).isFalse();
    ReferenceModel byName =
        model(
            policy("x", "p")
                .select(labels("app", "a"))
                .ingress(rule().from(namespacePeer(labels(Namespace.NAME_LABEL, "y"))))
                .build());
    assertThat(byName.allows(flow(c, a, TCP, 1))).isTrue();
  }

  @Test
  void notInAndDoesNotExistMatchAnAbsentKey() {
    LabelSelector notIn = selector().notIn("tier", "db").build();
    LabelSelector absent = selector().doesNotExist("tier").build();
    assertThat(ReferenceModel.selects(notIn, Map.of())).isTrue();
    assertThat(ReferenceModel.selects(notIn, Map.of("tier", "db"))).isFalse();
    assertThat(ReferenceModel.selects(absent, Map.of())).isTrue();
    assertThat(ReferenceModel.selects(selector().in("tier", "db").build(), Map.of())).isFalse();
    assertThat(ReferenceModel.selects(selector().exists("tier").build(), Map.of("tier", "")))
        .isTrue();
  }

  @Test
  void ipBlocksMatchAnyAddressButTheirExcepts() {
    ReferenceModel m =
        model(
            policy("x", "p")
                .select(labels("app", "a"))
                .ingress(
                    rule()
                        .from(ipBlock("10.244.1.0/24", "10.244.1.12/31"), ipBlock("172.18.0.0/24")))
                .build());
    assertThat(m.allows(flow(b, a, TCP, 1))).isTrue();
    assertThat(m.allows(flow(c, a, TCP, 1))).isFalse();
    assertThat(m.allows(flow(host, a, TCP, 1))).as("a host-network pod's address").isTrue();
    Flow external =
        new Flow(
            Flow.Endpoint.external(ip("10.244.1.200")),
            Flow.Endpoint.pod(a.key(), ip("10.244.1.10")),
            TCP,
            1);
    assertThat(m.allows(external)).isTrue();
  }

  @Test
  void hostNetworkPodsAreNeverIsolatedNorPodPeers() {
    ReferenceModel m =
        model(
            policy("y", "all")
                .select(LabelSelector.EVERYTHING)
                .ingress(rule().from(podPeer(LabelSelector.EVERYTHING)))
                .build());
    assertThat(m.allows(flow(a, host, TCP, 1))).as("host network: not isolated").isTrue();
    assertThat(m.allows(flow(host, c, TCP, 1))).as("host network: no pod peer").isFalse();
  }

  @Test
  void aFinishedPodMatchesNothingButThePodThatReusedItsAddressDoes() {
    Pod done =
        pod("x", "done").label("app", "b").ip("10.244.1.13").phase(PodPhase.SUCCEEDED).build();
    Pod reuser = pod("y", "reuser").label("app", "z").ip("10.244.1.13").build();
    ReferenceModel m =
        model(
            done,
            reuser,
            policy("x", "p")
                .select(labels("app", "a"))
                .ingress(rule().from(podPeer(labels("app", "b"))))
                .build());
    assertThat(m.allows(flow(reuser, a, TCP, 1))).isFalse();
  }

  @Test
  void namedPortsResolveOnTheDestinationPod() {
    ReferenceModel in =
        model(
            policy("x", "p")
                .select(labels("app", "a"))
                .ingress(rule().port(PolicyPort.named(TCP, "http")))
                .build());
    assertThat(in.allows(flow(b, a, TCP, 8080))).isTrue();
    assertThat(in.allows(flow(b, a, TCP, 80))).isFalse();
    assertThat(in.allows(flow(b, a, UDP, 8080))).isFalse();

    ReferenceModel out =
        model(
            policy("x", "p")
                .select(labels("app", "b"))
                .types(Direction.EGRESS)
                .egress(rule().port(PolicyPort.named(TCP, "http")))
                .build());
    assertThat(out.allows(flow(b, a, TCP, 8080))).isTrue();
    assertThat(out.allows(flow(b, c, TCP, 8080))).as("c declares no port 'http'").isFalse();
    Flow external =
        new Flow(
            Flow.Endpoint.pod(b.key(), ip("10.244.1.11")),
            Flow.Endpoint.external(ip("192.0.2.7")),
            TCP,
            8080);
    assertThat(out.allows(external)).isFalse();
  }

  @Test
  void portRangesAndProtocolOnlyPorts() {
    ReferenceModel m =
        model(
            policy("x", "p")
                .select(labels("app", "a"))
                .ingress(rule().port(PolicyPort.range(TCP, 80, 81), PolicyPort.allPorts(SCTP)))
                .build());
    assertThat(m.allows(flow(b, a, TCP, 81))).isTrue();
    assertThat(m.allows(flow(b, a, TCP, 8080))).isFalse();
    assertThat(m.allows(flow(b, a, SCTP, 8080))).isTrue();
    assertThat(m.allows(flow(b, a, UDP, 80))).isFalse();
  }

  @Test
  void aConnectionNeedsEgressAtTheSourceAndIngressAtTheDestination() {
    ReferenceModel m =
        model(
            policy("x", "out")
                .select(labels("app", "b"))
                .types(Direction.EGRESS)
                .egress(rule())
                .build(),
            policy("x", "in")
                .select(labels("app", "a"))
                .ingress(rule().from(podPeer(labels("app", "c"))))
                .build());
    assertThat(m.egressAllows(flow(b, a, TCP, 1))).isTrue();
    assertThat(m.ingressAllows(flow(b, a, TCP, 1))).isFalse();
    assertThat(m.allows(flow(b, a, TCP, 1))).isFalse();
  }

  @Test
  void aFailedPolicyIsolatesWithoutAllowing() {
    ReferenceModel m =
        model(policy("x", "bad").select(labels("app", "a")).ingress(rule()).failedClosed().build());
    assertThat(m.allows(flow(b, a, TCP, 1))).isFalse();
  }

  @Test
  void cidrContainmentIsBitwiseAndPerFamily() {
    assertThat(ReferenceModel.cidrContains(IpPrefix.parse("10.244.1.12/31"), ip("10.244.1.13")))
        .isTrue();
    assertThat(ReferenceModel.cidrContains(IpPrefix.parse("10.244.1.12/31"), ip("10.244.1.14")))
        .isFalse();
    assertThat(ReferenceModel.cidrContains(IpPrefix.parse("0.0.0.0/0"), ip("255.255.255.255")))
        .isTrue();
    assertThat(ReferenceModel.cidrContains(IpPrefix.parse("0.0.0.0/0"), ip("::1"))).isFalse();
    assertThat(ReferenceModel.cidrContains(IpPrefix.parse("fd00::8/125"), ip("fd00::f"))).isTrue();
    assertThat(ReferenceModel.cidrContains(IpPrefix.parse("fd00::8/125"), ip("fd00::10")))
        .isFalse();
    assertThat(ReferenceModel.cidrContains(IpPrefix.parse("8000::/1"), ip("fd00::"))).isTrue();
  }
}
