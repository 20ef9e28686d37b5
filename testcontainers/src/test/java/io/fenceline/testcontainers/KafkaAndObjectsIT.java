package io.fenceline.testcontainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.Network;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Manifests as fabric8 objects, the pipeline on a {@link KafkaContainer} instead of the embedded
 * broker, payloads written as files (dry run, no capability).
 */
@ExtendWith(DockerRequired.class)
class KafkaAndObjectsIT {

  @Test
  void shouldConvergeOnAKafkaContainerFromFabric8Objects() {
    String kafkaImage =
        System.getProperty(
            "fenceline.kafka.image",
            System.getenv().getOrDefault("FENCELINE_KAFKA_IMAGE", "fenceline-kafka:local"));
    try (Network net = Network.newNetwork();
        KafkaContainer kafka =
            new KafkaContainer(
                    DockerImageName.parse(kafkaImage).asCompatibleSubstituteFor("apache/kafka"))
                .withNetwork(net)
                .withNetworkAliases("kafka")
                .withListener("kafka:19092");
        FencelineContainer fenceline =
            new FencelineContainer()
                .withObjects(objects())
                .withKafka(kafka, "kafka:19092")
                .withDryRun()) {
      kafka.start();
      fenceline.start();

      NodePayload node1 = fenceline.payload("node-1");
      assertThat(node1.iptablesRestore()).contains("FNL-");
      assertThat(node1.ipsetRestore()).contains("10.244.1.20"); // the client, db's allowed peer

      Explanation denied = fenceline.explain("shop/other", "shop/db", 5432, Protocol.TCP);
      assertThat(denied.allowed()).isFalse();
      assertThat(denied.ingress().isolatingPolicies()).containsExactly("shop/db");
      Explanation allowed = fenceline.explain("shop/client", "shop/db", 5432, Protocol.TCP);
      assertThat(allowed.ingress().match()).isEqualTo(new Explanation.Match("shop/db", 0, 0));

      assertThatThrownBy(() -> fenceline.canConnect("shop/client", "shop/db", 5432, Protocol.TCP))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("withDryRun");
    }
  }

  private static List<HasMetadata> objects() {
    return List.of(
        new NodeBuilder().withNewMetadata().withName("node-1").endMetadata().build(),
        new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build(),
        pod("db", "db", "10.244.1.10"),
        pod("client", "client", "10.244.1.20"),
        pod("other", "other", "10.244.1.30"),
        new NetworkPolicyBuilder()
            .withNewMetadata()
            .withName("db")
            .withNamespace("shop")
            .endMetadata()
            .withNewSpec()
            .withNewPodSelector()
            .addToMatchLabels("app", "db")
            .endPodSelector()
            .addNewIngress()
            .addNewFrom()
            .withNewPodSelector()
            .addToMatchLabels("app", "client")
            .endPodSelector()
            .endFrom()
            .addNewPort()
            .withProtocol("TCP")
            .withNewPort(5432)
            .endPort()
            .endIngress()
            .endSpec()
            .build());
  }

  private static HasMetadata pod(String name, String app, String ip) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("shop")
        .addToLabels("app", app)
        .endMetadata()
        .withNewSpec()
        .withNodeName("node-1")
        .addNewContainer()
        .withName(name)
        .withImage(name)
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(ip)
        .endStatus()
        .build();
  }
}
