package io.fenceline.testcontainers;

import static io.fenceline.testcontainers.FencelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shop (frontend and backend on node-1, db on node-2, default deny both ways, three allows)
 * through the whole pipeline on the embedded broker, enforced by real netfilter in the container's
 * network namespaces, probed with real connections.
 */
@ExtendWith(DockerRequired.class)
@Fenceline(manifests = "shop/")
class ShopPoliciesIT {

  @Test
  void shouldConnectOnTheAllowedPaths(FencelineContainer fenceline) {
    assertThat(fenceline).pod("shop/frontend").canReach("shop/backend", 8080);
    assertThat(fenceline).pod("shop/backend").canReach("shop/db", 5432);
  }

  @Test
  void shouldNotConnectOnDeniedPaths(FencelineContainer fenceline) {
    assertThat(fenceline)
        .pod("shop/frontend")
        .cannotReach("shop/db", 5432)
        .cannotReach("shop/backend", 5432);
    assertThat(fenceline).pod("shop/db").cannotReach("shop/backend", 8080);
  }

  @Test
  void shouldFailAWrongExpectationWithExplainsAnswer(FencelineContainer fenceline) {
    assertThatThrownBy(() -> assertThat(fenceline).pod("shop/frontend").canReach("shop/db", 5432))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected shop/frontend to reach shop/db on 5432/TCP")
        .hasMessageContaining("Connection refused")
        .hasMessageContaining("fenceline explain says:")
        .hasMessageContaining(
            "DENIED shop/frontend (10.244.1.10) -> shop/db (10.244.2.10) 5432/TCP")
        .hasMessageContaining("shop/default-deny");
  }

  @Test
  void shouldFailAWrongDenialWithTheRuleThatAllows(FencelineContainer fenceline) {
    assertThatThrownBy(() -> assertThat(fenceline).pod("shop/backend").cannotReach("shop/db", 5432))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected shop/backend not to reach shop/db on 5432/TCP")
        .hasMessageContaining("the connection attempt connected")
        .hasMessageContaining("ALLOWED")
        .hasMessageContaining("shop/db");
  }

  @Test
  void shouldReportWhatAProposedChangeWouldCutBeforeItLands(FencelineContainer fenceline) {
    // the db team trusts app=api instead of app=backend: no pod carries it yet
    WhatIfResult cut =
        fenceline.whatif(
            List.of(
                new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder()
                    .withNewMetadata()
                    .withName("db")
                    .withNamespace("shop")
                    .endMetadata()
                    .withNewSpec()
                    .withNewPodSelector()
                    .addToMatchLabels("app", "db")
                    .endPodSelector()
                    .withPolicyTypes("Ingress")
                    .addNewIngress()
                    .addNewFrom()
                    .withNewPodSelector()
                    .addToMatchLabels("app", "api")
                    .endPodSelector()
                    .endFrom()
                    .addNewPort()
                    .withProtocol("TCP")
                    .withNewPort(5432)
                    .endPort()
                    .endIngress()
                    .endSpec()
                    .build()));
    assertThat(cut.changed()).isTrue();
    assertThat(cut.changes())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.concerns("shop/backend", "shop/db")).isTrue();
              assertThat(c.ports()).containsExactly("tcp/5432");
              assertThat(c.before()).isTrue();
              assertThat(c.after()).isFalse();
              assertThat(c.afterWhy()).contains("isolated by [shop/db, shop/default-deny]");
            });
    assertThat(fenceline.whatifFromClasspath("shop/db.yaml").changed()).isFalse();
    assertThat(fenceline.whatifDeleting("NetworkPolicy/shop/default-deny").changes())
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c.after()).isTrue());
  }

  @Test
  void shouldExplainAsTypedResults(FencelineContainer fenceline) {
    Explanation allowed = fenceline.explain("shop/backend", "shop/db", 5432, Protocol.TCP);
    assertThat(allowed.allowed()).isTrue();
    assertThat(allowed.src().pod()).isEqualTo("shop/backend");
    assertThat(allowed.dst().ip()).isEqualTo("10.244.2.10");
    assertThat(allowed.egress().match()).isEqualTo(new Explanation.Match("shop/backend", 0, 0));
    assertThat(allowed.ingress().match()).isEqualTo(new Explanation.Match("shop/db", 0, 0));
    assertThat(allowed.ingress().isolatingPolicies())
        .containsExactlyInAnyOrder("shop/default-deny", "shop/db");

    Explanation denied = fenceline.explain("shop/frontend", "shop/db", 5432, Protocol.TCP);
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.ingress().allowed()).isFalse();
    assertThat(denied.ingress().match()).isNull();
  }

  @Test
  void shouldConnectExactlyOnTheAllowedPathsOfTheWholeMatrix(FencelineContainer fenceline) {
    assertThat(fenceline.pods()).containsExactly("shop/backend", "shop/db", "shop/frontend");
    ConnectivityMatrix m = fenceline.connectivityMatrix(8080, 5432);
    assertThat(m.connections()).hasSize(12);
    assertThat(m.connected())
        .as(m.table())
        .containsExactlyInAnyOrder(
            "shop/frontend -> shop/backend 8080/TCP", "shop/backend -> shop/db 5432/TCP");
  }

  @Test
  void shouldGiveEachNodesPayload(FencelineContainer fenceline) {
    NodePayload node2 = fenceline.payload("node-2");
    assertThat(node2.iptablesRestore()).contains("FNL-");
    assertThat(node2.ipv4Rules()).isPositive();
    assertThat(node2.ipsetRestore()).contains("10.244.1.11"); // the backend, db's allowed peer
  }

  @Test
  void shouldRefuseAPortNoAgentServes(FencelineContainer fenceline) {
    assertThatThrownBy(() -> fenceline.canConnect("shop/frontend", "shop/db", 9999, Protocol.TCP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("withProbePorts");
  }
}
