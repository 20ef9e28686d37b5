package io.fenceline.ingest;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
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
}
