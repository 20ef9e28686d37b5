package io.fenceline.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.LabelSelector;
import io.fenceline.core.model.PolicyPeer;
import io.fenceline.core.model.PolicyPort;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.model.Tier;
import io.fenceline.core.model.TierAction;
import io.fenceline.core.model.TierRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterPolicyDecoderTest {

  private static DecodedObjects decode(String spec) throws ManifestSyntaxException {
    return Manifests.decode(
        ManifestParser.parse(
            "cnp.yaml",
            "apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\n"
                + "metadata: {name: guard}\nspec:\n"
                + spec.indent(2)));
  }

  private static ClusterNetworkPolicy policy(String spec) throws ManifestSyntaxException {
    DecodedObjects d = decode(spec);
    return d.objects().isEmpty() ? null : (ClusterNetworkPolicy) d.objects().get(0).object();
  }

  private static List<String> problems(String spec) throws ManifestSyntaxException {
    return decode(spec).problems().stream().map(Problem::toString).toList();
  }

  @Test
  void decodesEveryStandardField() throws Exception {
    ClusterNetworkPolicy c =
        policy(
            """
            tier: Baseline
            priority: 7
            subject: {pods: {namespaceSelector: {matchLabels: {team: a}}, podSelector: {matchLabels: {app: db}}}}
            ingress:
              - name: web
                action: Accept
                from: [{pods: {podSelector: {matchLabels: {app: web}}}}, {namespaces: {}}]
                protocols: [{tcp: {destinationPort: {number: 5432}}}, {udp: {destinationPort: {range: {start: 80, end: 90}}}}, {destinationNamedPort: sql}]
            egress:
              - action: Deny
                to: [{networks: ["10.0.0.0/8", "fd00::/8"]}]
            """);
    assertThat(c.tier()).isEqualTo(Tier.BASELINE);
    assertThat(c.priority()).isEqualTo(7);
    assertThat(c.subjectNamespaces().matchLabels()).containsEntry("team", "a");
    assertThat(c.failedClosed()).isFalse();
    TierRule in = c.ingress().get(0);
    assertThat(in.name()).isEqualTo("web");
    assertThat(in.action()).isEqualTo(TierAction.ACCEPT);
    assertThat(in.peers())
        .containsExactly(
            new PolicyPeer.Selector(
                LabelSelector.EVERYTHING,
                LabelSelector.matchLabels(java.util.Map.of("app", "web"))),
            new PolicyPeer.Selector(LabelSelector.EVERYTHING, LabelSelector.EVERYTHING));
    assertThat(in.ports())
        .containsExactly(
            PolicyPort.number(Protocol.TCP, 5432),
            PolicyPort.range(Protocol.UDP, 80, 90),
            PolicyPort.named(null, "sql"));
    assertThat(c.egress().get(0).peers()).hasSize(2);
    assertThat(c.egress().get(0).deniesAll()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "tier: Platform|spec.tier: must be Admin or Baseline",
        "priority: -1|spec.priority: must be a number between 0 and 1000",
        "priority: x|spec.priority: must be a number between 0 and 1000",
      })
  void aPolicyThatCannotBePlacedIsIgnored(String replace, String problem) throws Exception {
    String spec =
        "tier: Admin\npriority: 1\nsubject: {namespaces: {}}\ningress: [{action: Deny, from: [{namespaces: {}}]}]\n";
    String key = replace.substring(0, replace.indexOf(':'));
    spec = spec.replaceFirst("(?m)^" + key + ": .*$", replace);
    assertThat(policy(spec)).isNull();
    assertThat(problems(spec)).anyMatch(p -> p.contains(problem));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{action: Allow, from: [{namespaces: {}}]}|spec.ingress[0].action: must be Accept, Deny or Pass",
        "{action: Deny, from: []}|spec.ingress[0].from: must be a list of at least one peer",
        "{action: Deny, from: [{namespaces: {}, pods: {podSelector: {}}}]}|spec.ingress[0].from[0]: must set exactly one of",
        "{action: Deny, from: [{namespaces: {}}], protocols: [{tcp: {destinationPort: {range: {start: 90, end: 80}}}}]}|start must be less than end",
        "{action: Deny, from: [{namespaces: {}}], protocols: [{tcp: {}, udp: {}}]}|must set exactly one of destinationNamedPort, sctp, tcp, udp",
        "{action: Deny, from: [{namespaces: {}}], extra: 1}|spec.ingress[0].extra: unknown field",
      })
  void anInvalidRuleFailsThePolicyClosed(String rule, String problem) throws Exception {
    String spec = "tier: Admin\npriority: 1\nsubject: {namespaces: {}}\ningress: [" + rule + "]\n";
    ClusterNetworkPolicy c = policy(spec);
    assertThat(problems(spec)).anyMatch(p -> p.contains(problem));
    assertThat(problems(spec))
        .anyMatch(p -> p.contains("invalid policy: it denies everything (ingress)"));
    assertThat(c.failedClosed()).isTrue();
    assertThat(c.ingress()).singleElement().satisfies(r -> assertThat(r.deniesAll()).isTrue());
    assertThat(c.egress()).isEmpty();
  }

  @Test
  void peersFencelineCannotEvaluateFailClosedAsTheApiSays() throws Exception {
    ClusterNetworkPolicy c =
        policy(
            """
            tier: Admin
            priority: 1
            subject: {namespaces: {}}
            egress:
              - {action: Accept, to: [{domainNames: [example.com]}, {namespaces: {}}]}
              - {action: Pass, to: [{domainNames: [example.com]}]}
              - {action: Deny, to: [{futurePeer: {}}]}
            """);
    assertThat(c.failedClosed()).isFalse();
    TierRule accept = c.egress().get(0);
    assertThat(accept.peers()).hasSize(1);
    assertThat(accept.unmatchablePeers()).isEqualTo(1);
    assertThat(accept.deniesAll()).isFalse();
    assertThat(c.egress().get(1).deniesAll()).isTrue();
    assertThat(c.egress().get(2).deniesAll()).isTrue();
    assertThat(
            problems(
                "tier: Admin\npriority: 1\nsubject: {namespaces: {}}\n"
                    + "egress: [{action: Accept, to: [{domainNames: [example.com]}]}]\n"))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith("cnp.yaml:")
                    .contains("ClusterNetworkPolicy guard spec.egress[0].to[0].domainNames")
                    .contains("not supported"));
  }

  @Test
  void aNodesPeerIsANodeSelector() throws Exception {
    ClusterNetworkPolicy c =
        policy(
            """
            tier: Baseline
            priority: 1
            subject: {namespaces: {}}
            egress:
              - action: Deny
                to:
                  - nodes: {matchLabels: {kubernetes.io/os: linux}}
                  - nodes: {matchExpressions: [{key: zone, operator: In, values: [a]}]}
            """);
    assertThat(c.failedClosed()).isFalse();
    TierRule deny = c.egress().get(0);
    assertThat(deny.unmatchablePeers()).isZero();
    assertThat(deny.peers())
        .containsExactly(
            new PolicyPeer.Nodes(LabelSelector.matchLabels(Map.of("kubernetes.io/os", "linux"))),
            new PolicyPeer.Nodes(
                new LabelSelector(
                    Map.of(),
                    List.of(
                        new LabelSelector.Requirement(
                            "zone", LabelSelector.Operator.IN, List.of("a"))))));
    assertThat(
            problems(
                "tier: Admin\npriority: 1\nsubject: {namespaces: {}}\n"
                    + "egress: [{action: Accept, to: [{nodes: {matchLabels: {a: [x]}}}]}]\n"))
        .anyMatch(p -> p.contains("spec.egress[0].to[0].nodes"));
    assertThat(
            problems(
                "tier: Admin\npriority: 1\nsubject: {namespaces: {}}\n"
                    + "ingress: [{action: Accept, from: [{nodes: {}}]}]\n"))
        .anyMatch(p -> p.contains("spec.ingress[0].from[0]"));
  }

  @Test
  void aNamedPortNeedsPodPeers() throws Exception {
    assertThat(
            problems(
                "tier: Admin\npriority: 1\nsubject: {namespaces: {}}\n"
                    + "egress: [{action: Accept, to: [{networks: [10.0.0.0/8]}],"
                    + " protocols: [{destinationNamedPort: http}]}]\n"))
        .anyMatch(p -> p.contains("destinationNamedPort needs pod peers only"));
  }
}
