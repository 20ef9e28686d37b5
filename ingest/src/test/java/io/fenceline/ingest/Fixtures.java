package io.fenceline.ingest;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fabric8 objects for tests: realistic pods (with the status noise real pods carry), policies,
 * namespaces.
 */
final class Fixtures {
  private Fixtures() {}

  static Namespace namespace(String name, Map<String, String> labels) {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .build();
  }

  static Node node(String name, String ip) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("kubernetes.io/hostname", name)
        .endMetadata()
        .withNewStatus()
        .addNewAddress()
        .withType("InternalIP")
        .withAddress(ip)
        .endAddress()
        .addNewAddress()
        .withType("Hostname")
        .withAddress(name)
        .endAddress()
        .addNewImage()
        .withNames("registry.example/app:1")
        .withSizeBytes(123456789L)
        .endImage()
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  /** A running pod with a named port, plus everything a real pod carries that policy ignores. */
  static Pod pod(String ns, String name, Map<String, String> labels, String node, String ip) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .withLabels(labels)
        .addToAnnotations("kubectl.kubernetes.io/restartedAt", "2026-01-01T00:00:00Z")
        .withUid("uid-" + ns + "-" + name)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .withServiceAccountName("default")
        .addNewContainer()
        .withName("app")
        .withImage("registry.example/app:1")
        .addNewEnv()
        .withName("MODE")
        .withValue("prod")
        .endEnv()
        .addNewPort()
        .withName("http")
        .withContainerPort(8080)
        .withProtocol("TCP")
        .endPort()
        .addNewPort()
        .withName("dns")
        .withContainerPort(53)
        .withProtocol("UDP")
        .endPort()
        .endContainer()
        .addNewContainer()
        .withName("sidecar")
        .withImage("registry.example/proxy:1")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(ip)
        .addNewPodIP()
        .withIp(ip)
        .endPodIP()
        .withHostIP("192.0.2.1")
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .addNewContainerStatus()
        .withName("app")
        .withReady(true)
        .withRestartCount(0)
        .endContainerStatus()
        .endStatus()
        .build();
  }

  /**
   * {@code app=api} accepts TCP 8080 and the named port {@code http} from {@code app=web} and
   * 10.0.0.0/8 except 10.1.0.0/16.
   */
  static NetworkPolicy policy(String ns, String name) {
    return new NetworkPolicyBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withNewPodSelector()
        .addToMatchLabels("app", "api")
        .endPodSelector()
        .addNewIngress()
        .addNewFrom()
        .withNewPodSelector()
        .addToMatchLabels("app", "web")
        .endPodSelector()
        .endFrom()
        .addNewFrom()
        .withNewIpBlock()
        .withCidr("10.0.0.0/8")
        .withExcept("10.1.0.0/16")
        .endIpBlock()
        .endFrom()
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(8080))
        .endPort()
        .addNewPort()
        .withPort(new IntOrString("http"))
        .endPort()
        .addNewPort()
        .withPort(new IntOrString(9000))
        .withEndPort(9100)
        .endPort()
        .endIngress()
        .withPolicyTypes("Ingress")
        .endSpec()
        .build();
  }

  /**
   * A policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy as the API server returns it (a
   * generic resource: fabric8 has no model for it): Admin tier, priority {@code priority}; its
   * subject is namespace {@code shop}; ingress accepts TCP 8080 from namespace {@code web} and from
   * pods {@code app=web} of any namespace, then denies the rest; egress passes to 192.0.2.0/24.
   * With the noise an API object carries that policy ignores: an annotation, managed fields, a
   * status.
   */
  static GenericKubernetesResource clusterPolicy(String name, int priority) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("tier", "Admin");
    spec.put("priority", priority);
    spec.put(
        "subject",
        Map.of("namespaces", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "shop"))));
    spec.put(
        "ingress",
        List.of(
            Map.of(
                "name",
                "accept-web",
                "action",
                "Accept",
                "from",
                List.of(
                    Map.of(
                        "namespaces",
                        Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "web"))),
                    Map.of(
                        "pods",
                        Map.of(
                            "namespaceSelector",
                            Map.of(),
                            "podSelector",
                            Map.of("matchLabels", Map.of("app", "web"))))),
                "protocols",
                List.of(Map.of("tcp", Map.of("destinationPort", Map.of("number", 8080))))),
            Map.of(
                "name",
                "deny-rest",
                "action",
                "Deny",
                "from",
                List.of(Map.of("namespaces", Map.of())))));
    spec.put(
        "egress",
        List.of(
            Map.of("action", "Pass", "to", List.of(Map.of("networks", List.of("192.0.2.0/24"))))));
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("policy.networking.k8s.io/v1alpha2")
        .withKind("ClusterNetworkPolicy")
        .withNewMetadata()
        .withName(name)
        .withUid("uid-cnp-" + name)
        .addToLabels("team", "net")
        .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{}")
        .addNewManagedField()
        .withManager("kubectl")
        .withOperation("Apply")
        .withApiVersion("policy.networking.k8s.io/v1alpha2")
        .endManagedField()
        .endMetadata()
        .withAdditionalProperties(
            Map.of(
                "spec",
                spec,
                "status",
                Map.of("conditions", List.of(Map.of("type", "Ready", "status", "True")))))
        .build();
  }
}
