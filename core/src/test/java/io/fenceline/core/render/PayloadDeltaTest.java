package io.fenceline.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.Manifests;
import org.junit.jupiter.api.Test;

/**
 * Deltas carry only what changed; the kernel-level proof is the pipeline IT in network namespaces.
 */
class PayloadDeltaTest {
  private static final String PODS =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: db, namespace: prod, labels: {app: db}}
      spec: {nodeName: n1}
      status: {phase: Running, podIP: 10.0.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: prod, labels: {app: web}}
      spec: {nodeName: n2}
      status: {phase: Running, podIP: 10.0.0.2}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: db, namespace: prod}
      spec:
        podSelector: {matchLabels: {app: db}}
        ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432}]}]
      """;

  private static RenderedNode render(String yaml) throws Exception {
    CompiledCluster c =
        CompiledCluster.fromScratch(
            Manifests.asUpserts(Manifests.decode(ManifestParser.parse("t.yaml", yaml))));
    return NodeRenderer.structure(c.nodeModel("n1"));
  }

  @Test
  void noChangeIsAnEmptyDelta() throws Exception {
    RenderedNode a = render(PODS);
    assertThat(PayloadDelta.between(a, a, false, false).isEmpty()).isTrue();
  }

  @Test
  void aNewPeerIsOneSetMemberAndNoRule() throws Exception {
    RenderedNode a = render(PODS);
    RenderedNode b =
        render(
            PODS
                + """
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web2, namespace: prod, labels: {app: web}}
        spec: {nodeName: n3}
        status: {phase: Running, podIP: 10.0.0.3}
        """);
    PayloadDelta.Delta d = PayloadDelta.between(a, b, false, false);
    assertThat(d.ipsetPrepare()).isEqualTo("add " + a.sets().get(0).name() + " 10.0.0.3 -exist\n");
    assertThat(d.filter4()).isEmpty();
    assertThat(d.filter6()).isEmpty();
    assertThat(d.ipsetCleanup()).isEmpty();
    assertThat(d.addedMembers()).isEqualTo(1);
  }

  @Test
  void anEditedPolicyWritesItsNewChainAndDeletesTheOld() throws Exception {
    RenderedNode a = render(PODS);
    RenderedNode b = render(PODS.replace("port: 5432", "port: 5433"));
    PayloadDelta.Delta d = PayloadDelta.between(a, b, false, false);
    String oldChain =
        a.chains4().keySet().stream()
            .filter(c -> c.startsWith("FNL-POL-"))
            .findFirst()
            .orElseThrow();
    String newChain =
        b.chains4().keySet().stream()
            .filter(c -> c.startsWith("FNL-POL-"))
            .findFirst()
            .orElseThrow();
    assertThat(d.filter4())
        .contains(":" + newChain + " - [0:0]", "--dport 5433", "-X " + oldChain)
        .doesNotContain(":" + KernelNames.ROOT_CHAIN + " ");
    assertThat(d.ipsetPrepare()).isEmpty();
  }

  @Test
  void aFullApplyRemovesOwnedLeftoversAndAddsTheJumpWhenAsked() throws Exception {
    RenderedNode a = render(PODS);
    PayloadDelta.Delta d =
        PayloadDelta.full(
            a,
            new PayloadDelta.Inventory(
                java.util.Set.of("FNL-POL-OLD"),
                java.util.Set.of(),
                java.util.Set.of("FNL-P4-OLD")),
            true,
            false);
    assertThat(d.filter4()).contains("-X FNL-POL-OLD", "-I FORWARD 1 ");
    assertThat(d.filter6()).doesNotContain("-I FORWARD");
    assertThat(d.ipsetCleanup()).isEqualTo("destroy FNL-P4-OLD\n");
  }
}
