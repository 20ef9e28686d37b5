package io.fenceline.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceline.core.model.Direction;
import io.fenceline.core.model.Namespace;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.PolicyPeer;
import io.fenceline.core.model.PolicyPort;
import io.fenceline.core.model.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ObjectDecoderTest {

  private static DecodedObjects decode(String yaml) throws ManifestSyntaxException {
    return Manifests.decode(ManifestParser.parse("test.yaml", yaml));
  }

  private static NetworkPolicy policy(String spec) throws ManifestSyntaxException {
    DecodedObjects d =
        decode(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
                + "metadata: {name: p, namespace: ns}\nspec:\n"
                + spec.indent(2));
    return d.objects().isEmpty() ? null : (NetworkPolicy) d.objects().get(0).object();
  }

  private static List<String> problems(String spec) throws ManifestSyntaxException {
    return decode(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
                + "metadata: {name: p, namespace: ns}\nspec:\n"
                + spec.indent(2))
        .problems()
        .stream()
        .map(Problem::toString)
        .toList();
  }

  @Test
  void policyTypesDefaultToIngressAndEgressOnlyWithEgressRules() throws Exception {
    assertThat(policy("podSelector: {}").policyTypes()).containsExactly(Direction.INGRESS);
    assertThat(policy("podSelector: {}\negress: []").policyTypes())
        .containsExactly(Direction.INGRESS);
    assertThat(policy("podSelector: {}\negress: [{}]").policyTypes())
        .containsExactlyInAnyOrder(Direction.INGRESS, Direction.EGRESS);
    assertThat(policy("podSelector: {}\npolicyTypes: [Egress]").policyTypes())
        .containsExactly(Direction.EGRESS);
  }

  @Test
  void decodesPeersAndPorts() throws Exception {
    NetworkPolicy p =
        policy(
            """
        podSelector: {matchLabels: {app: db}}
        ingress:
          - from:
              - namespaceSelector: {matchLabels: {team: a}}
                podSelector: {matchExpressions: [{key: tier, operator: NotIn, values: [x, y]}]}
              - ipBlock: {cidr: 10.0.0.7/8, except: [10.1.0.0/16]}
            ports:
              - {port: 80}
              - {port: http, protocol: UDP}
              - {port: 1000, endPort: 2000, protocol: SCTP}
              - {protocol: UDP}
        """);
    assertThat(p.failedClosed()).isFalse();
    assertThat(p.ingress().get(0).peers().get(0)).isInstanceOf(PolicyPeer.Selector.class);
    PolicyPeer.IpBlock block = (PolicyPeer.IpBlock) p.ingress().get(0).peers().get(1);
    assertThat(block.cidr()).hasToString("10.0.0.0/8");
    assertThat(p.ingress().get(0).ports())
        .containsExactly(
            PolicyPort.number(Protocol.TCP, 80), PolicyPort.named(Protocol.UDP, "http"),
            PolicyPort.range(Protocol.SCTP, 1000, 2000), PolicyPort.allPorts(Protocol.UDP));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unknown field in a peer (the seed's mistake)|ingress: [{from: [{namespaceSelector: {project: x}}]}]|spec.ingress[0].from[0].namespaceSelector.project: unknown field",
        "bad CIDR|ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/33}}]}]|spec.ingress[0].from[0].ipBlock.cidr: invalid CIDR '10.0.0.0/33'",
        "except outside cidr|ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/8]}}]}]|except[0]: must be a strict subset",
        "except equal to cidr|ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}}]}]|except[0]: must be a strict subset",
        "port 0|ingress: [{ports: [{port: 0}]}]|ports[0].port: must be a number between 1 and 65535",
        "port 65536|ingress: [{ports: [{port: 65536}]}]|ports[0].port: must be a number between 1 and 65535",
        "endPort below port|ingress: [{ports: [{port: 90, endPort: 80}]}]|ports[0].endPort: must be greater than or equal to port 90",
        "endPort with named port|ingress: [{ports: [{port: http, endPort: 80}]}]|endPort: may not be set with a named port",
        "unknown protocol|ingress: [{ports: [{port: 80, protocol: ICMP}]}]|protocol: must be TCP, UDP or SCTP",
        "unknown operator|ingress: [{from: [{podSelector: {matchExpressions: [{key: a, operator: Equals, values: [b]}]}}]}]|operator: must be In, NotIn, Exists or DoesNotExist",
        "In without values|ingress: [{from: [{podSelector: {matchExpressions: [{key: a, operator: In}]}}]}]|values: must be non-empty",
        "Exists with values|ingress: [{from: [{podSelector: {matchExpressions: [{key: a, operator: Exists, values: [b]}]}}]}]|values: must be empty",
        "empty peer|ingress: [{from: [{}]}]|must specify podSelector, namespaceSelector or ipBlock",
        "ipBlock with selector|ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]|may not be combined",
        "bad policy type|policyTypes: [Inbound]|spec.policyTypes[0]: must be Ingress or Egress",
        "bad named port|ingress: [{ports: [{port: HTTP_1}]}]|a named port must be",
      })
  void invalidPolicyIsReportedAndFailsClosed(String title, String rest, String expected)
      throws Exception {
    String spec = "podSelector: {matchLabels: {app: db}}\n" + rest;
    assertThat(problems(spec))
        .anyMatch(p -> p.startsWith("test.yaml:1 NetworkPolicy ns/p ") && p.contains(expected));
    NetworkPolicy p = policy(spec);
    assertThat(p.failedClosed()).isTrue();
    assertThat(p.ingress()).isEmpty();
    assertThat(p.egress()).isEmpty();
    assertThat(p.policyTypes()).contains(Direction.INGRESS);
  }

  @Test
  void policyWhosePodSelectorDoesNotParseIsDropped() throws Exception {
    assertThat(policy("podSelector: {app: db}")).isNull();
    assertThat(problems("podSelector: {app: db}"))
        .anyMatch(p -> p.contains("spec.podSelector.app: unknown field"));
  }

  @Test
  void namespaceGetsItsAutomaticNameLabel() throws Exception {
    Namespace ns =
        (Namespace)
            decode("apiVersion: v1\nkind: Namespace\nmetadata: {name: x, labels: {a: b}}")
                .objects()
                .get(0)
                .object();
    assertThat(ns.labels())
        .containsEntry("kubernetes.io/metadata.name", "x")
        .containsEntry("a", "b");
  }

  @Test
  void podReadsIpsNodePortsAndPhase() throws Exception {
    Pod pod =
        (Pod)
            decode(
                    """
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: x, labels: {app: a}}
        spec:
          nodeName: n1
          containers: [{name: c, ports: [{name: http, containerPort: 80}, {containerPort: 53, protocol: UDP}]}]
        status: {phase: Succeeded, podIP: 10.0.0.1, podIPs: [{ip: 10.0.0.1}, {ip: "fd00::0001"}]}
        """)
                .objects()
                .get(0)
                .object();
    assertThat(pod.ips()).extracting(Object::toString).containsExactly("10.0.0.1", "fd00::1");
    assertThat(pod.nodeName()).isEqualTo("n1");
    assertThat(pod.phase().finished()).isTrue();
    assertThat(pod.ports()).hasSize(2);
  }

  @Test
  void listsAreExpandedAndItemsKeepTheirLines() throws Exception {
    DecodedObjects d =
        decode(
            """
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Namespace
            metadata: {name: a}
          - apiVersion: v1
            kind: Namespace
            metadata: {name: "B"}
        """);
    assertThat(d.objects()).hasSize(1);
    assertThat(d.problems())
        .singleElement()
        .hasToString(
            "test.yaml:7 Namespace (invalid name) metadata.name: must be a DNS-1123 label (lower-case alphanumerics and '-', at most 63 characters)");
  }

  @Test
  void syntaxErrorNamesFileAndLine() {
    assertThatThrownBy(
            () -> ManifestParser.parse("bad.yaml", "kind: Pod\nmetadata: {name: a\n  x: [\n"))
        .isInstanceOf(ManifestSyntaxException.class)
        .hasMessageStartingWith("bad.yaml:");
    assertThatThrownBy(() -> ManifestParser.parse("list.yaml", "- a\n- b\n"))
        .hasMessage("list.yaml:1: expected an object (a Kubernetes manifest), found a list");
  }

  @Test
  void otherKindsAreCountedNotDecoded() throws Exception {
    DecodedObjects d = decode("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n");
    assertThat(d.objects()).isEmpty();
    assertThat(d.ignoredKinds()).containsEntry("Service", 1);
  }
}
