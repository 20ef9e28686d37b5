package io.fenceline.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fenceline.core.model.Kind;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reduces fabric8 objects (Pod, Namespace, NetworkPolicy, Node) to the slim JSON the engine's
 * {@code ObjectDecoder} reads (docs/events.md): metadata name, namespace, labels (sorted), uid,
 * resourceVersion; for pods {@code spec.nodeName}, {@code spec.hostNetwork}, the containers' ports
 * (name, containerPort, protocol), {@code status.phase}, {@code status.podIP(s)}; a policy's whole
 * {@code spec} as the API writes it; a node's {@code status.addresses}. Nothing is validated: the
 * engine judges. {@link ManifestObjects} produces the same shape from manifest JSON.
 */
public final class SlimObjects {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();

  private SlimObjects() {}

  /** The slim form of {@code o}; IllegalArgumentException for kinds fenceline does not read. */
  public static SlimObject of(HasMetadata o) {
    if (o instanceof Pod p) {
      return pod(p);
    }
    if (o instanceof Namespace n) {
      ObjectNode root = root("v1", Kind.NAMESPACE, n.getMetadata(), false);
      return slim(Kind.NAMESPACE, n.getMetadata(), false, root);
    }
    if (o instanceof NetworkPolicy np) {
      return policy(np);
    }
    if (o instanceof Node n) {
      return node(n);
    }
    throw new IllegalArgumentException(
        "fenceline does not ingest " + (o == null ? "null" : o.getKind()));
  }

  private static SlimObject pod(Pod p) {
    ObjectNode root = root("v1", Kind.POD, p.getMetadata(), true);
    PodSpec spec = p.getSpec();
    if (spec != null) {
      ObjectNode s = JSON.createObjectNode();
      if (spec.getNodeName() != null) {
        s.put("nodeName", spec.getNodeName());
      }
      if (Boolean.TRUE.equals(spec.getHostNetwork())) {
        s.put("hostNetwork", true);
      }
      List<Container> containers = spec.getContainers();
      if (containers != null && !containers.isEmpty()) {
        ArrayNode cs = s.putArray("containers");
        for (Container c : containers) {
          ObjectNode cn = cs.addObject();
          if (c.getName() != null) {
            cn.put("name", c.getName());
          }
          if (c.getPorts() != null && !c.getPorts().isEmpty()) {
            ArrayNode ports = cn.putArray("ports");
            for (ContainerPort cp : c.getPorts()) {
              ObjectNode pn = ports.addObject();
              if (cp.getName() != null) {
                pn.put("name", cp.getName());
              }
              if (cp.getContainerPort() != null) {
                pn.put("containerPort", cp.getContainerPort());
              }
              if (cp.getProtocol() != null) {
                pn.put("protocol", cp.getProtocol());
              }
            }
          }
        }
      }
      if (!s.isEmpty()) {
        root.set("spec", s);
      }
    }
    PodStatus status = p.getStatus();
    if (status != null) {
      ObjectNode s = JSON.createObjectNode();
      if (status.getPhase() != null) {
        s.put("phase", status.getPhase());
      }
      if (status.getPodIP() != null) {
        s.put("podIP", status.getPodIP());
      }
      if (status.getPodIPs() != null && !status.getPodIPs().isEmpty()) {
        ArrayNode ips = s.putArray("podIPs");
        for (PodIP ip : status.getPodIPs()) {
          ObjectNode in = ips.addObject();
          if (ip.getIp() != null) {
            in.put("ip", ip.getIp());
          }
        }
      }
      if (!s.isEmpty()) {
        root.set("status", s);
      }
    }
    return slim(Kind.POD, p.getMetadata(), true, root);
  }

  private static SlimObject policy(NetworkPolicy np) {
    ObjectNode root = root("networking.k8s.io/v1", Kind.NETWORK_POLICY, np.getMetadata(), true);
    if (np.getSpec() != null) {
      // The spec as written, in the API's JSON shape: fabric8's own serializer (Jackson 3) to text,
      // read back into the Jackson 2 tree the core uses.
      root.set("spec", readTree(FABRIC8.asJson(np.getSpec())));
    }
    return slim(Kind.NETWORK_POLICY, np.getMetadata(), true, root);
  }

  private static SlimObject node(Node n) {
    ObjectNode root = root("v1", Kind.NODE, n.getMetadata(), false);
    if (n.getStatus() != null
        && n.getStatus().getAddresses() != null
        && !n.getStatus().getAddresses().isEmpty()) {
      ArrayNode as = root.putObject("status").putArray("addresses");
      for (NodeAddress a : n.getStatus().getAddresses()) {
        ObjectNode an = as.addObject();
        if (a.getType() != null) {
          an.put("type", a.getType());
        }
        if (a.getAddress() != null) {
          an.put("address", a.getAddress());
        }
      }
    }
    return slim(Kind.NODE, n.getMetadata(), false, root);
  }

  private static ObjectNode root(String apiVersion, Kind kind, ObjectMeta m, boolean namespaced) {
    if (m == null || m.getName() == null) {
      throw new IllegalArgumentException(kind.apiName() + " without metadata.name");
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("apiVersion", apiVersion);
    root.put("kind", kind.apiName());
    ObjectNode meta = root.putObject("metadata");
    meta.put("name", m.getName());
    if (namespaced) {
      meta.put("namespace", namespaceOf(m));
    }
    Map<String, String> labels = m.getLabels();
    if (labels != null && !labels.isEmpty()) {
      ObjectNode ln = meta.putObject("labels");
      new TreeMap<>(labels)
          .forEach(
              (k, v) -> {
                if (v == null) {
                  ln.putNull(k);
                } else {
                  ln.put(k, v);
                }
              });
    }
    if (m.getUid() != null) {
      meta.put("uid", m.getUid());
    }
    if (m.getResourceVersion() != null) {
      meta.put("resourceVersion", m.getResourceVersion());
    }
    return root;
  }

  private static String namespaceOf(ObjectMeta m) {
    return m.getNamespace() == null || m.getNamespace().isEmpty() ? "default" : m.getNamespace();
  }

  private static SlimObject slim(Kind kind, ObjectMeta m, boolean namespaced, ObjectNode root) {
    return new SlimObject(
        kind,
        namespaced ? namespaceOf(m) : "",
        m.getName(),
        m.getUid(),
        m.getResourceVersion(),
        root);
  }

  static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "fabric8 wrote JSON that does not parse: " + e.getOriginalMessage(), e);
    }
  }
}
