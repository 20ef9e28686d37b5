package io.fenceline.core.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.manifest.Problem;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.Pod;
import io.fenceline.core.render.NodePayload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The named hostile cases of issue 10, each with the exact outcome it must have. */
class HostileCasesTest {
  private static final String BACKBONE =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: web-0, namespace: prod, labels: {app: web}}
      spec: {nodeName: node-1}
      status: {phase: Running, podIP: 10.244.1.11, podIPs: [{ip: 10.244.1.11}, {ip: "fd00::11"}]}
      ---
      """;

  private static DecodedObjects decode(String yaml) throws Exception {
    return Manifests.decode(ManifestParser.parse("hostile.yaml", BACKBONE + yaml));
  }

  private static String policyWithRule(String rule) {
    return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: prod}\n"
        + "spec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - "
        + rule
        + "\n";
  }

  @Test
  void theWholeAddressSpaceInBothFamiliesCompilesIntoLoadableHalves() throws Exception {
    DecodedObjects d =
        decode(policyWithRule("from: [{ipBlock: {cidr: 0.0.0.0/0}}, {ipBlock: {cidr: '::/0'}}]"));
    assertThat(d.problems()).isEmpty();
    NodePayload p = CompiledCluster.fromScratch(Manifests.asUpserts(d)).payload("node-1");
    assertThat(p.ipsetRestore())
        .contains(" 0.0.0.0/1\n", " 128.0.0.0/1\n", " ::/1\n", " 8000::/1\n")
        .doesNotContain("0.0.0.0/0", "::/0");
    assertThat(p.iptablesRestore()).contains("FNL-B4-");
    assertThat(p.ip6tablesRestore()).contains("FNL-B6-");
    assertThat(PayloadGrammar.violations(p)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "prefix too long       | from: [{ipBlock: {cidr: 10.0.0.0/33}}]            | cidr     | exceeds 32",
        "v6 prefix too long    | from: [{ipBlock: {cidr: '::/129'}}]               | cidr     | exceeds 128",
        "no prefix             | from: [{ipBlock: {cidr: 10.0.0.0}}]               | cidr     | no prefix length",
        "octet out of range    | from: [{ipBlock: {cidr: 10.0.0.256/24}}]          | cidr     | bad address",
        "zone id               | from: [{ipBlock: {cidr: 'fe80::1%eth0/64'}}]      | cidr     | bad address",
        "not a string          | from: [{ipBlock: {cidr: 167772160}}]              | cidr     | must be a CIDR string",
        "except outside        | from: [{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16]}}] | except[0] | strict subset",
        "port 0                | ports: [{port: 0}]                                | port     | between 1 and 65535",
        "port 65536            | ports: [{port: 65536}]                            | port     | between 1 and 65535",
        "port as float         | ports: [{port: 80.5}]                             | port     | between 1 and 65535",
        "endPort below port    | ports: [{port: 90, endPort: 80}]                  | endPort  | greater than or equal to port 90",
        "endPort 65536         | ports: [{port: 90, endPort: 65536}]               | endPort  | between 1 and 65535",
        "endPort on named port | ports: [{port: http, endPort: 80}]                | endPort  | named port",
        "bad named port        | ports: [{port: 'a b'}]                            | port     | named port",
        "unknown protocol      | ports: [{port: 80, protocol: ICMP}]               | protocol | TCP, UDP or SCTP",
        "unknown field         | from: [{podSelector: {app: web}}]                 | podSelector.app | unknown field",
        "rule of wrong type    | from: {podSelector: {}}                           | from     | must be a list",
      })
  void anInvalidRuleIsReportedAndThePolicyFailsClosed(
      String name, String rule, String field, String reason) throws Exception {
    DecodedObjects d = decode(policyWithRule(rule));
    assertThat(d.problems())
        .anySatisfy(
            p -> {
              assertThat(p.field()).contains(field);
              assertThat(p.reason()).contains(reason);
            });
    NetworkPolicy np =
        d.objects().stream()
            .map(DecodedObjects.Located::object)
            .filter(NetworkPolicy.class::isInstance)
            .map(NetworkPolicy.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(np.failedClosed()).isTrue();
    NodePayload p = CompiledCluster.fromScratch(Manifests.asUpserts(d)).payload("node-1");
    assertThat(p.iptablesRestore())
        .as("web-0 stays isolated with no allow")
        .contains("-A FNL-FORWARD -d 10.244.1.11/32")
        .contains("prod/web-0 ingress: no policy allows")
        .doesNotContain("\n-A FNL-POL-");
    assertThat(PayloadGrammar.violations(p)).isEmpty();
  }

  @Test
  void anUnspecifiedPodIpIsRejectedBecauseNoSetCanHoldIt() throws Exception {
    DecodedObjects d =
        decode(
            """
        apiVersion: v1
        kind: Pod
        metadata: {name: zero, namespace: prod, labels: {app: web}}
        spec: {nodeName: node-1}
        status: {phase: Running, podIP: 0.0.0.0, podIPs: [{ip: 0.0.0.0}, {ip: '::'}]}
        """);
    assertThat(d.problems())
        .extracting(Problem::field)
        .contains("status.podIP", "status.podIPs[1].ip");
    Pod zero =
        (Pod)
            d.objects().stream()
                .map(DecodedObjects.Located::object)
                .filter(o -> o.key().name().equals("zero"))
                .findFirst()
                .orElseThrow();
    assertThat(zero.ips()).isEmpty();
  }

  @Test
  void aNodeNameThatIsNotADnsNameNeverBecomesANode() throws Exception {
    DecodedObjects d =
        decode(
            """
        apiVersion: v1
        kind: Pod
        metadata: {name: escape, namespace: prod}
        spec: {nodeName: ../../../tmp/x}
        status: {phase: Running, podIP: 10.244.1.99}
        """);
    assertThat(d.problems()).extracting(Problem::field).containsExactly("spec.nodeName");
    assertThat(CompiledCluster.fromScratch(Manifests.asUpserts(d)).nodes())
        .containsExactly("node-1");
  }

  @Test
  void aProblemLineCannotBeForgedByALabelKey() throws Exception {
    DecodedObjects d =
        decode(
            """
        apiVersion: v1
        kind: Namespace
        metadata: {name: ns1, labels: {"x\\nhostile.yaml:1 Pod prod/web-0 spec: forged": "v"}}
        """);
    assertThat(d.problems()).hasSize(1);
    assertThat(d.problems().get(0).toString()).doesNotContain("\n").contains("x\\nhostile.yaml:1");
  }

  @Test
  void aHugeQuotedValueIsShortenedInTheProblemLine() throws Exception {
    DecodedObjects d =
        decode(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns1\n  labels:\n    ? "
                + "k".repeat(100_000)
                + "\n    : v\n");
    assertThat(d.problems()).hasSize(1);
    assertThat(d.problems().get(0).toString()).hasSizeLessThan(1000);
    assertThat(d.problems().get(0).toString()).contains("more characters");
  }
}
