package io.fenceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.ObjectDecoder;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.core.manifest.SourceLocation;
import io.fenceline.core.model.Kind;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlimObjectsTest {
  private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();

  @Test
  void podKeepsOnlyWhatPolicyReads() throws Exception {
    Pod p =
        Fixtures.pod(
            "shop", "api-0", Map.of("app", "api", "tier", "backend"), "node-1", "10.244.1.5");
    p.getMetadata().setResourceVersion("42");
    SlimObject s = SlimObjects.of(p);
    assertThat(s.kind()).isEqualTo(Kind.POD);
    assertThat(s.key()).isEqualTo("Pod/shop/api-0");
    assertThat(s.uid()).isEqualTo("uid-shop-api-0");
    assertThat(s.resourceVersion()).isEqualTo("42");
    assertThat(SlimObjects.JSON.writeValueAsString(s.object()))
        .isEqualTo(
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"api-0\",\"namespace\":\"shop\","
                + "\"labels\":{\"app\":\"api\",\"tier\":\"backend\"},\"uid\":\"uid-shop-api-0\",\"resourceVersion\":\"42\"},"
                + "\"spec\":{\"nodeName\":\"node-1\",\"containers\":[{\"name\":\"app\",\"ports\":["
                + "{\"name\":\"http\",\"containerPort\":8080,\"protocol\":\"TCP\"},"
                + "{\"name\":\"dns\",\"containerPort\":53,\"protocol\":\"UDP\"}]},{\"name\":\"sidecar\"}]},"
                + "\"status\":{\"phase\":\"Running\",\"podIP\":\"10.244.1.5\",\"podIPs\":[{\"ip\":\"10.244.1.5\"}]}}");
    assertThat(decodeProblems(s)).isEmpty();
  }

  @Test
  void pendingPodWithoutIpOrNodeIsPublishedAsIs() {
    Pod p =
        new PodBuilder()
            .withNewMetadata()
            .withName("x")
            .withNamespace("a")
            .endMetadata()
            .withNewSpec()
            .withHostNetwork(true)
            .addNewContainer()
            .withName("c")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    JsonNode o = SlimObjects.of(p).object();
    assertThat(o.path("spec").path("hostNetwork").asBoolean()).isTrue();
    assertThat(o.path("spec").has("nodeName")).isFalse();
    assertThat(o.path("status").has("podIP")).isFalse();
    assertThat(o.path("status").path("phase").asText()).isEqualTo("Pending");
  }

  @Test
  void policySpecIsSerializedAsTheApiWritesItAndDecodesCleanly() throws Exception {
    NetworkPolicy np = Fixtures.policy("shop", "allow-web");
    SlimObject s = SlimObjects.of(np);
    assertThat(s.object().path("apiVersion").asText()).isEqualTo("networking.k8s.io/v1");
    JsonNode spec = s.object().path("spec");
    assertThat(spec.path("podSelector").path("matchLabels").path("app").asText()).isEqualTo("api");
    JsonNode ports = spec.path("ingress").get(0).path("ports");
    assertThat(ports.get(0).path("port").isInt()).as("numeric port stays a number").isTrue();
    assertThat(ports.get(1).path("port").asText())
        .as("named port stays a string")
        .isEqualTo("http");
    assertThat(ports.get(2).path("endPort").asInt()).isEqualTo(9100);
    assertThat(
            spec.path("ingress")
                .get(0)
                .path("from")
                .get(1)
                .path("ipBlock")
                .path("except")
                .get(0)
                .asText())
        .isEqualTo("10.1.0.0/16");
    // exactly what the API would send for this spec
    assertThat(spec).isEqualTo(SlimObjects.JSON.readTree(FABRIC8.asJson(np.getSpec())));
    assertThat(decodeProblems(s)).isEmpty();
  }

  @Test
  void emptyPodSelectorStaysAnEmptyObject() {
    NetworkPolicy np = Fixtures.policy("shop", "deny-all");
    np.getSpec().setPodSelector(new io.fabric8.kubernetes.api.model.LabelSelector());
    np.getSpec().setIngress(java.util.List.of());
    JsonNode spec = SlimObjects.of(np).object().path("spec");
    assertThat(spec.path("podSelector").isObject()).isTrue();
    assertThat(spec.path("podSelector").isEmpty()).isTrue();
  }

  @Test
  void invalidPolicyIsPublishedAnyway() {
    NetworkPolicy np = Fixtures.policy("shop", "bad");
    np.getSpec().getIngress().get(0).getFrom().get(1).getIpBlock().setCidr("10.0.0.300/8");
    SlimObject s = SlimObjects.of(np);
    assertThat(decodeProblems(s)).anyMatch(p -> p.contains("cidr"));
  }

  @Test
  void nodeKeepsAddressesOnly() throws Exception {
    SlimObject s = SlimObjects.of(Fixtures.node("node-1", "192.0.2.10"));
    assertThat(s.namespace()).isEmpty();
    assertThat(SlimObjects.JSON.writeValueAsString(s.object()))
        .isEqualTo(
            "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"node-1\",\"labels\":"
                + "{\"kubernetes.io/hostname\":\"node-1\"}},\"status\":{\"addresses\":["
                + "{\"type\":\"InternalIP\",\"address\":\"192.0.2.10\"},{\"type\":\"Hostname\",\"address\":\"node-1\"}]}}");
  }

  @Test
  void clusterPolicyKeepsItsWholeSpecAndNoStatus() throws Exception {
    var cnp = Fixtures.clusterPolicy("deny-x", 10);
    cnp.getMetadata().setResourceVersion("12");
    SlimObject s = SlimObjects.of(cnp);
    assertThat(s.kind()).isEqualTo(Kind.CLUSTER_NETWORK_POLICY);
    assertThat(s.namespace()).isEmpty();
    assertThat(s.key()).isEqualTo("ClusterNetworkPolicy//deny-x");
    assertThat(s.uid()).isEqualTo("uid-cnp-deny-x");
    assertThat(s.resourceVersion()).isEqualTo("12");
    assertThat(SlimObjects.JSON.writeValueAsString(s.object()))
        .isEqualTo(
            "{\"apiVersion\":\"policy.networking.k8s.io/v1alpha2\",\"kind\":\"ClusterNetworkPolicy\","
                + "\"metadata\":{\"name\":\"deny-x\",\"labels\":{\"team\":\"net\"},\"uid\":\"uid-cnp-deny-x\","
                + "\"resourceVersion\":\"12\"},\"spec\":"
                + FABRIC8.asJson(cnp.getAdditionalProperties().get("spec"))
                + "}");
    // exactly what the API sent for the spec
    assertThat(s.object().path("spec"))
        .isEqualTo(SlimObjects.JSON.readTree(FABRIC8.asJson(cnp)).path("spec"));
    assertThat(s.object().path("spec").path("priority").isInt()).isTrue();
    assertThat(decodeProblems(s)).isEmpty();
    assertThat(SlimObjects.of(SlimObjects.trimmed(cnp)).object()).isEqualTo(s.object());
  }

  @Test
  void aClusterPolicyManifestKeepsItsVersionAsWrittenAndNoNamespace() throws Exception {
    RawObject raw =
        ManifestParser.parse(
                "x.yaml",
                """
                kind: ClusterNetworkPolicy
                metadata: {name: p, namespace: shop, labels: {b: "2", a: "1"}}
                spec: {tier: Baseline, priority: 5, subject: {namespaces: {}}}
                status: {conditions: []}
                """)
            .get(0);
    SlimObject s = ManifestObjects.of(raw);
    assertThat(s.key()).isEqualTo("ClusterNetworkPolicy//p");
    assertThat(SlimObjects.JSON.writeValueAsString(s.object()))
        .as("no apiVersion is made up: the engine reports it as compile does")
        .isEqualTo(
            "{\"kind\":\"ClusterNetworkPolicy\",\"metadata\":{\"name\":\"p\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}},"
                + "\"spec\":{\"tier\":\"Baseline\",\"priority\":5,\"subject\":{\"namespaces\":{}}}}");
    assertThat(decodeProblems(s)).anyMatch(p -> p.contains("apiVersion"));
    RawObject old =
        ManifestParser.parse(
                "x.yaml",
                "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: ClusterNetworkPolicy\n"
                    + "metadata: {name: p}\nspec: {tier: Admin}\n")
            .get(0);
    assertThat(ManifestObjects.of(old).object().path("apiVersion").asText())
        .isEqualTo("policy.networking.k8s.io/v1alpha1");
  }

  @Test
  void namespaceHasNoNamespace() {
    SlimObject s = SlimObjects.of(Fixtures.namespace("shop", Map.of("team", "a")));
    assertThat(s.key()).isEqualTo("Namespace//shop");
    assertThat(s.object().path("metadata").has("namespace")).isFalse();
  }

  @Test
  void otherKindsAreRefused() {
    assertThatThrownBy(
            () ->
                SlimObjects.of(
                    new ConfigMapBuilder().withNewMetadata().withName("x").endMetadata().build()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void trimmedObjectsHaveTheSameSlimForm() {
    Pod p = Fixtures.pod("shop", "api-0", Map.of("app", "api"), "node-1", "10.244.1.5");
    p.getMetadata().setResourceVersion("7");
    assertThat(SlimObjects.of(SlimObjects.trimmed(p)).object())
        .isEqualTo(SlimObjects.of(p).object());
    var n = Fixtures.node("node-1", "192.0.2.10");
    assertThat(SlimObjects.of(SlimObjects.trimmed(n)).object())
        .isEqualTo(SlimObjects.of(n).object());
    assertThat(SlimObjects.trimmed(n).getStatus().getImages()).isEmpty();
  }

  @Test
  void whatCannotBePublishedIsNamedWithWhereItIs() throws Exception {
    assertThatThrownBy(() -> SlimObjects.of(new Pod()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Pod without metadata.name");
    RawObject nameless = ManifestParser.parse("x.yaml", "\nkind: Pod\nmetadata: {}\n").get(0);
    assertThatThrownBy(() -> ManifestObjects.of(nameless))
        .isInstanceOf(ManifestReadException.class)
        .hasMessage("x.yaml:2: Pod without metadata.name");
    RawObject badNs =
        ManifestParser.parse("x.yaml", "kind: Pod\nmetadata: {name: a, namespace: [b]}\n").get(0);
    assertThatThrownBy(() -> ManifestObjects.of(badNs))
        .hasMessage("x.yaml:1: Pod a: metadata.namespace must be a string");
    // the informer's store keeps what it cannot trim whole; the handler reports it
    TrimmingItemStore<Pod> store = new TrimmingItemStore<>(Kind.POD);
    Pod p = new Pod();
    store.put("k", p);
    assertThat(store.get("k")).isSameAs(p);
  }

  @Test
  void manifestObjectsHaveTheSameShapeAsApiObjects() throws Exception {
    for (var o :
        java.util.List.of(
            Fixtures.pod("shop", "api-0", Map.of("b", "2", "a", "1"), "node-1", "10.244.1.5"),
            Fixtures.policy("shop", "allow-web"),
            Fixtures.node("node-1", "192.0.2.10"),
            Fixtures.namespace("shop", Map.of("team", "a")),
            Fixtures.clusterPolicy("deny-x", 10))) {
      String yaml = FABRIC8.asYaml(o);
      RawObject raw = ManifestParser.parse("x.yaml", yaml).get(0);
      SlimObject fromManifest = ManifestObjects.of(raw);
      assertThat(SlimObjects.JSON.writeValueAsString(fromManifest.object()))
          .as(o.getKind())
          .isEqualTo(SlimObjects.JSON.writeValueAsString(SlimObjects.of(o).object()));
      assertThat(fromManifest.key()).isEqualTo(SlimObjects.of(o).key());
    }
  }

  private static java.util.List<String> decodeProblems(SlimObject s) {
    return ObjectDecoder.decode(new RawObject(s.object(), new SourceLocation("test", 1)))
        .problems()
        .stream()
        .map(Object::toString)
        .toList();
  }
}
