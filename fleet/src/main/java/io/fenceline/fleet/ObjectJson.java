package io.fenceline.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Kubernetes API JSON of the simulated objects: what a manifest holds and what ingest publishes.
 */
final class ObjectJson {
  static final ObjectMapper JSON = new ObjectMapper();

  private ObjectJson() {}

  static ObjectNode namespace(SimNamespace ns, String uid, String rv) {
    ObjectNode root = root("v1", "Namespace", ns.name, null, uid, rv);
    ObjectNode labels = ((ObjectNode) root.get("metadata")).putObject("labels");
    labels.put("env", ns.env);
    labels.put("kubernetes.io/metadata.name", ns.name);
    labels.put("team", ns.team);
    return root;
  }

  static ObjectNode node(String name, String address, String uid, String rv) {
    ObjectNode root = root("v1", "Node", name, null, uid, rv);
    ArrayNode addresses = root.putObject("status").putArray("addresses");
    addresses.addObject().put("type", "InternalIP").put("address", address);
    addresses.addObject().put("type", "Hostname").put("address", name);
    return root;
  }

  static ObjectNode pod(
      SimPod p, String nodeName, String nodeAddress, String ip4, String ip6, String rv) {
    ObjectNode root = root("v1", "Pod", p.name, p.namespace, p.uid, rv);
    ObjectNode labels = ((ObjectNode) root.get("metadata")).putObject("labels");
    p.labels.forEach(labels::put);
    ObjectNode spec = root.putObject("spec");
    spec.put("nodeName", nodeName);
    if (p.hostNetwork) {
      spec.put("hostNetwork", true);
    }
    ObjectNode container = spec.putArray("containers").addObject();
    container.put("name", p.app == null ? p.labels.getOrDefault("app", "main") : p.app.name());
    ArrayNode ports = container.putArray("ports");
    for (SimPod.Port port : p.ports) {
      ports
          .addObject()
          .put("name", port.name())
          .put("containerPort", port.number())
          .put("protocol", port.protocol());
    }
    ObjectNode status = root.putObject("status");
    status.put("phase", "Running");
    String first = p.hostNetwork ? nodeAddress : ip4;
    status.put("podIP", first);
    ArrayNode ips = status.putArray("podIPs");
    ips.addObject().put("ip", first);
    if (ip6 != null && !p.hostNetwork) {
      ips.addObject().put("ip", ip6);
    }
    return root;
  }

  static ObjectNode policy(SimPolicy p, ObjectNode spec, String rv) {
    ObjectNode root = root("networking.k8s.io/v1", "NetworkPolicy", p.name, p.namespace, p.uid, rv);
    root.set("spec", spec);
    return root;
  }

  static ObjectNode labels(Map<String, String> labels) {
    ObjectNode n = JSON.createObjectNode();
    labels.forEach(n::put);
    return n;
  }

  private static ObjectNode root(
      String apiVersion, String kind, String name, String namespace, String uid, String rv) {
    ObjectNode root = JSON.createObjectNode();
    root.put("apiVersion", apiVersion);
    root.put("kind", kind);
    ObjectNode meta = root.putObject("metadata");
    meta.put("name", name);
    if (namespace != null) {
      meta.put("namespace", namespace);
    }
    meta.put("uid", uid);
    meta.put("resourceVersion", rv);
    return root;
  }
}
