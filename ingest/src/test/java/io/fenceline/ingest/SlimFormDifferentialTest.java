package io.fenceline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeAddressBuilder;
import io.fabric8.kubernetes.api.model.NodeSpecBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlockBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpecBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.RawObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The slim form has one definition, reached three ways: an API object (fabric8's JSON of it), the
 * same object written in a manifest (YAML or JSON as a user or {@code kubectl get -o} writes it),
 * and the trimmed copy an informer keeps. For realistic objects — generated pods with every field
 * the form reads and the noise real ones carry, host-network pods, pods without IPs, dual-stack
 * pods, named ports, namespaces, policies with every peer kind, nodes with addresses — all three
 * publish the same bytes.
 */
class SlimFormDifferentialTest {
  private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();

  @Property(tries = 300)
  void apiObjectManifestAndTrimmedCopyPublishTheSameBytes(@ForAll long seed) throws Exception {
    Random r = new Random(seed);
    for (HasMetadata o :
        List.of(pod(r), pod(r), namespace(r), policy(r), node(r), pod(r), policy(r))) {
      assertSameSlimForm(o);
    }
  }

  @Test
  void theFixturesAgree() throws Exception {
    for (HasMetadata o :
        List.of(
            Fixtures.pod("shop", "api-0", Map.of("b", "2", "a", "1"), "node-1", "10.244.1.5"),
            Fixtures.policy("shop", "allow-web"),
            Fixtures.node("node-1", "192.0.2.10"),
            Fixtures.namespace("shop", Map.of("team", "a")),
            Fixtures.clusterPolicy("deny-x", 10))) {
      assertSameSlimForm(o);
    }
  }

  private static void assertSameSlimForm(HasMetadata o) throws Exception {
    SlimObject api = SlimObjects.of(o);
    String bytes = SlimObjects.JSON.writeValueAsString(api.object());
    String what = o.getKind() + " " + FABRIC8.asJson(o);
    for (String manifest : List.of(FABRIC8.asYaml(o), FABRIC8.asJson(o))) {
      List<RawObject> raws = ManifestParser.parse("generated.yaml", manifest);
      assertThat(raws).as(what).hasSize(1);
      SlimObject fromManifest = ManifestObjects.of(raws.get(0));
      assertThat(SlimObjects.JSON.writeValueAsString(fromManifest.object()))
          .as("manifest path of " + what)
          .isEqualTo(bytes);
      assertThat(List.of(fromManifest.key(), String.valueOf(fromManifest.uid())))
          .isEqualTo(List.of(api.key(), String.valueOf(api.uid())));
      assertThat(fromManifest.resourceVersion()).isEqualTo(api.resourceVersion());
    }
    HasMetadata trimmed = SlimObjects.trimmed(o);
    assertThat(trimmed).isInstanceOf(o.getClass());
    assertThat(SlimObjects.JSON.writeValueAsString(SlimObjects.of(trimmed).object()))
        .as("trimmed copy of " + what)
        .isEqualTo(bytes);
  }

  // ---- generated objects ----------------------------------------------------------------------

  private static final String[] LABEL_KEYS = {
    "app", "tier", "app.kubernetes.io/name", "team", "version", "a", "Z", "pod-template-hash"
  };
  private static final String[] LABEL_VALUES = {"api", "web", "", "v1.2.3", "true", "1", "db_x"};

  private static <T> T pick(Random r, T[] from) {
    return from[r.nextInt(from.length)];
  }

  private static String maybe(Random r, String s) {
    return r.nextInt(4) == 0 ? null : s;
  }

  private static Map<String, String> labels(Random r) {
    if (r.nextInt(5) == 0) {
      return null;
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = r.nextInt(5); i > 0; i--) {
      labels.put(pick(r, LABEL_KEYS), pick(r, LABEL_VALUES));
    }
    return labels;
  }

  private static ObjectMeta meta(Random r, String name, String namespace) {
    ObjectMetaBuilder m =
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(labels(r))
            .withUid(maybe(r, "uid-" + r.nextInt(1000)))
            .withResourceVersion(maybe(r, String.valueOf(r.nextInt(100000))))
            .withCreationTimestamp("2026-01-01T00:00:00Z")
            .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"x\":1}");
    if (r.nextBoolean()) {
      m.addToManagedFields(
              new ManagedFieldsEntryBuilder()
                  .withManager("kubelet")
                  .withOperation("Update")
                  .withApiVersion("v1")
                  .withFieldsType("FieldsV1")
                  .build())
          .addToOwnerReferences(
              new OwnerReferenceBuilder()
                  .withApiVersion("apps/v1")
                  .withKind("ReplicaSet")
                  .withName("rs-" + r.nextInt(9))
                  .withUid("owner")
                  .withController(true)
                  .build())
          .addToFinalizers("example.com/keep");
    }
    return m.build();
  }

  private static String namespaceName(Random r) {
    return r.nextInt(6) == 0 ? null : pick(r, new String[] {"shop", "kube-system", "default", "a"});
  }

  private static String ipv4(Random r) {
    return "10.244." + r.nextInt(256) + "." + (1 + r.nextInt(254));
  }

  private static String ipv6(Random r) {
    return "fd00:10:244::" + Integer.toHexString(1 + r.nextInt(0xfffe));
  }

  static io.fabric8.kubernetes.api.model.Pod pod(Random r) {
    PodBuilder p =
        new PodBuilder().withMetadata(meta(r, "pod-" + r.nextInt(1000), namespaceName(r)));
    if (r.nextInt(8) != 0) {
      PodSpecBuilder spec =
          new PodSpecBuilder()
              .withNodeName(maybe(r, "node-" + r.nextInt(5)))
              .withServiceAccountName("default")
              .withRestartPolicy("Always");
      int hostNetwork = r.nextInt(3);
      if (hostNetwork < 2) {
        spec.withHostNetwork(hostNetwork == 0);
      }
      for (int c = r.nextInt(4); c > 0; c--) {
        ContainerBuilder cb =
            new ContainerBuilder()
                .withName(maybe(r, "c" + c))
                .withImage("registry.example/app:" + c)
                .addNewEnv()
                .withName("MODE")
                .withValue("prod")
                .endEnv()
                .withNewResources()
                .addToRequests("cpu", new Quantity("100m"))
                .endResources();
        for (int i = r.nextInt(4); i > 0; i--) {
          cb.addToPorts(
              new ContainerPortBuilder()
                  .withName(maybe(r, pick(r, new String[] {"http", "dns", "metrics", "grpc"})))
                  .withContainerPort(r.nextInt(6) == 0 ? null : 1 + r.nextInt(65535))
                  .withProtocol(maybe(r, pick(r, new String[] {"TCP", "UDP", "SCTP"})))
                  .withHostPort(r.nextInt(4) == 0 ? 8000 + i : null)
                  .build());
        }
        spec.addToContainers(cb.build());
      }
      if (r.nextInt(4) == 0) {
        spec.addNewInitContainer().withName("init").withImage("busybox").endInitContainer();
      }
      p.withSpec(spec.build());
    }
    if (r.nextInt(8) != 0) {
      PodStatusBuilder status =
          new PodStatusBuilder()
              .withPhase(maybe(r, pick(r, new String[] {"Pending", "Running", "Succeeded"})))
              .withHostIP("192.0.2." + (1 + r.nextInt(200)))
              .addNewCondition()
              .withType("Ready")
              .withStatus("True")
              .endCondition();
      switch (r.nextInt(4)) {
        case 0 -> {} // no IP yet
        case 1 -> {
          String ip = ipv4(r);
          status.withPodIP(ip).addNewPodIP().withIp(ip).endPodIP();
        }
        case 2 -> { // dual-stack
          String v4 = ipv4(r);
          status
              .withPodIP(v4)
              .addNewPodIP()
              .withIp(v4)
              .endPodIP()
              .addNewPodIP()
              .withIp(ipv6(r))
              .endPodIP();
        }
        default -> status.withPodIP(ipv6(r)); // podIP only, as older API servers write
      }
      p.withStatus(status.build());
    }
    return p.build();
  }

  static io.fabric8.kubernetes.api.model.Namespace namespace(Random r) {
    return new NamespaceBuilder()
        .withMetadata(meta(r, pick(r, new String[] {"shop", "kube-system", "team-a"}), null))
        .withNewSpec()
        .withFinalizers("kubernetes")
        .endSpec()
        .withNewStatus()
        .withPhase("Active")
        .endStatus()
        .build();
  }

  /** Fixtures' node (images, conditions) with generated metadata and addresses, or no status. */
  static io.fabric8.kubernetes.api.model.Node node(Random r) {
    io.fabric8.kubernetes.api.model.Node n = Fixtures.node("node-" + r.nextInt(100), "192.0.2.1");
    n.setMetadata(meta(r, n.getMetadata().getName(), null));
    n.setSpec(new NodeSpecBuilder().withPodCIDR("10.244.1.0/24").build());
    if (r.nextInt(6) == 0) {
      n.setStatus(null);
      return n;
    }
    List<NodeAddress> addresses = new ArrayList<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      String type = pick(r, new String[] {"InternalIP", "ExternalIP", "Hostname", null});
      String address =
          "Hostname".equals(type)
              ? "node-" + i
              : r.nextBoolean() ? "192.0.2." + (1 + r.nextInt(200)) : "2001:db8::" + i;
      addresses.add(new NodeAddressBuilder().withType(type).withAddress(maybe(r, address)).build());
    }
    n.getStatus().setAddresses(addresses);
    return n;
  }

  static io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy policy(Random r) {
    NetworkPolicyBuilder p =
        new NetworkPolicyBuilder().withMetadata(meta(r, "np-" + r.nextInt(100), namespaceName(r)));
    if (r.nextInt(8) == 0) {
      return p.build(); // no spec at all
    }
    NetworkPolicySpecBuilder spec = new NetworkPolicySpecBuilder().withPodSelector(selector(r));
    for (int i = r.nextInt(3); i > 0; i--) {
      spec.addToIngress(
          new NetworkPolicyIngressRuleBuilder().withFrom(peers(r)).withPorts(ports(r)).build());
    }
    for (int i = r.nextInt(3); i > 0; i--) {
      spec.addToEgress(
          new NetworkPolicyEgressRuleBuilder().withTo(peers(r)).withPorts(ports(r)).build());
    }
    switch (r.nextInt(4)) {
      case 0 -> spec.withPolicyTypes("Ingress");
      case 1 -> spec.withPolicyTypes("Ingress", "Egress");
      case 2 -> spec.withPolicyTypes("Egress");
      default -> {}
    }
    return p.withSpec(spec.build()).build();
  }

  private static LabelSelector selector(Random r) {
    LabelSelectorBuilder s = new LabelSelectorBuilder();
    if (r.nextBoolean()) {
      s.withMatchLabels(labels(r));
    }
    if (r.nextInt(3) == 0) {
      s.addNewMatchExpression()
          .withKey(pick(r, LABEL_KEYS))
          .withOperator(pick(r, new String[] {"In", "NotIn", "Exists", "DoesNotExist"}))
          .withValues(r.nextBoolean() ? List.of("api", "web") : null)
          .endMatchExpression();
    }
    return s.build();
  }

  private static List<NetworkPolicyPeer> peers(Random r) {
    List<NetworkPolicyPeer> peers = new ArrayList<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      NetworkPolicyPeerBuilder peer = new NetworkPolicyPeerBuilder();
      switch (r.nextInt(4)) {
        case 0 -> peer.withPodSelector(selector(r));
        case 1 -> peer.withNamespaceSelector(selector(r));
        case 2 -> peer.withPodSelector(selector(r)).withNamespaceSelector(selector(r));
        default -> {
          IPBlockBuilder block =
              r.nextBoolean()
                  ? new IPBlockBuilder().withCidr("10.0.0.0/8").withExcept("10.1.0.0/16")
                  : new IPBlockBuilder().withCidr("2001:db8::/32");
          peer.withIpBlock(block.build());
        }
      }
      peers.add(peer.build());
    }
    return peers;
  }

  private static List<NetworkPolicyPort> ports(Random r) {
    List<NetworkPolicyPort> ports = new ArrayList<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      NetworkPolicyPortBuilder port =
          new NetworkPolicyPortBuilder()
              .withProtocol(maybe(r, pick(r, new String[] {"TCP", "UDP", "SCTP"})));
      switch (r.nextInt(4)) {
        case 0 -> port.withPort(new IntOrString(1 + r.nextInt(65535)));
        case 1 -> port.withPort(new IntOrString(pick(r, new String[] {"http", "dns"})));
        case 2 -> port.withPort(new IntOrString(9000)).withEndPort(9000 + r.nextInt(200));
        default -> {} // every port of the protocol
      }
      ports.add(port.build());
    }
    return ports;
  }
}
