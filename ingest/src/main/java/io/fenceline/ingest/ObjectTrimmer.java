package io.fenceline.ingest;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Copies of fabric8 objects with only what {@link SlimObjects} reads (so that {@code
 * SlimObjects.of(trim(o))} equals {@code SlimObjects.of(o)}): what the informers keep in memory. A
 * full pod or node (managed fields, env, images, conditions) is many times larger than its slim
 * form, and an informer keeps every object of the cluster.
 */
final class ObjectTrimmer {
  private ObjectTrimmer() {}

  /**
   * The trimming function for objects of {@code type}; identity for kinds that are small already.
   */
  @SuppressWarnings("unchecked")
  static <T extends HasMetadata> UnaryOperator<T> forType(Class<T> type) {
    if (type == Pod.class) {
      return o -> (T) pod((Pod) o);
    }
    if (type == Node.class) {
      return o -> (T) node((Node) o);
    }
    return UnaryOperator.identity();
  }

  static Pod pod(Pod p) {
    PodBuilder b =
        new PodBuilder()
            .withApiVersion(p.getApiVersion())
            .withKind(p.getKind())
            .withMetadata(meta(p.getMetadata()));
    if (p.getSpec() != null) {
      List<Container> containers = null;
      if (p.getSpec().getContainers() != null) {
        containers = new ArrayList<>();
        for (Container c : p.getSpec().getContainers()) {
          ContainerBuilder cb = new ContainerBuilder().withName(c.getName());
          if (c.getPorts() != null && !c.getPorts().isEmpty()) {
            cb.withPorts(
                c.getPorts().stream()
                    .map(
                        cp ->
                            new ContainerPortBuilder()
                                .withName(cp.getName())
                                .withContainerPort(cp.getContainerPort())
                                .withProtocol(cp.getProtocol())
                                .build())
                    .toList());
          }
          containers.add(cb.build());
        }
      }
      b.withSpec(
          new PodSpecBuilder()
              .withNodeName(p.getSpec().getNodeName())
              .withHostNetwork(p.getSpec().getHostNetwork())
              .withContainers(containers)
              .build());
    }
    if (p.getStatus() != null) {
      PodStatusBuilder sb =
          new PodStatusBuilder()
              .withPhase(p.getStatus().getPhase())
              .withPodIP(p.getStatus().getPodIP());
      if (p.getStatus().getPodIPs() != null) {
        sb.withPodIPs(
            p.getStatus().getPodIPs().stream()
                .map(ip -> new PodIPBuilder().withIp(ip.getIp()).build())
                .toList());
      }
      b.withStatus(sb.build());
    }
    return b.build();
  }

  static Node node(Node n) {
    NodeBuilder b =
        new NodeBuilder()
            .withApiVersion(n.getApiVersion())
            .withKind(n.getKind())
            .withMetadata(meta(n.getMetadata()));
    if (n.getStatus() != null && n.getStatus().getAddresses() != null) {
      b.withStatus(
          new NodeStatusBuilder()
              .withAddresses(
                  n.getStatus().getAddresses().stream()
                      .map(
                          a ->
                              new NodeAddressBuilder()
                                  .withType(a.getType())
                                  .withAddress(a.getAddress())
                                  .build())
                      .toList())
              .build());
    }
    return b.build();
  }

  private static ObjectMeta meta(ObjectMeta m) {
    if (m == null) {
      return null;
    }
    return new ObjectMetaBuilder()
        .withName(m.getName())
        .withNamespace(m.getNamespace())
        .withLabels(m.getLabels())
        .withUid(m.getUid())
        .withResourceVersion(m.getResourceVersion())
        .build();
  }
}
