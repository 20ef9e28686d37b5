package io.fenceline.it.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.ManifestSyntaxException;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.sandbox.LabHost;
import io.fenceline.sandbox.LabNode;
import io.fenceline.sandbox.LabSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster of one conformance case as it evolves through its steps: namespaces, pods (with fixed
 * addresses and nodes), external hosts and policies, rendered as manifests for {@code fenceline
 * compile} and described as a {@link LabSpec} for the network namespaces.
 */
final class CaseCluster {
  static final List<String> NODES = List.of("node-1", "node-2");
  private static final List<String> XYZ_NAMESPACES = List.of("x", "y", "z");
  private static final List<String> XYZ_PODS = List.of("a", "b", "c");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern TEMPLATE = Pattern.compile("\\$\\{(ip|ip6):([^}]+)}");

  /** A pod: fixed identity, node and addresses; labels change with the steps. */
  static final class PodState {
    final String id;
    final String node;
    final String ipv4;
    final String ipv6;
    final boolean hostNetwork;
    final List<CaseFile.PortDecl> ports;
    Map<String, String> labels;
    boolean deleted;

    /**
     * Set when another pod took this pod's place (same node, same IP): the name in the manifests.
     */
    String replacementName;

    PodState(
        String id,
        String node,
        String ipv4,
        String ipv6,
        boolean hostNetwork,
        List<CaseFile.PortDecl> ports,
        Map<String, String> labels) {
      this.id = id;
      this.node = node;
      this.ipv4 = ipv4;
      this.ipv6 = ipv6;
      this.hostNetwork = hostNetwork;
      this.ports = ports;
      this.labels = new TreeMap<>(labels);
    }

    String namespace() {
      return id.substring(0, id.indexOf('/'));
    }

    String name() {
      return replacementName != null ? replacementName : id.substring(id.indexOf('/') + 1);
    }
  }

  final String model;
  final List<Integer> probePorts;
  final Map<String, Map<String, String>> namespaces = new TreeMap<>();
  final Map<String, PodState> pods = new LinkedHashMap<>();
  final Map<String, String> externals = new LinkedHashMap<>();

  /** Labels of each node beyond the kubelet's (see {@link #kubeletLabels}). */
  final Map<String, Map<String, String>> nodeLabels = new TreeMap<>();

  /** NetworkPolicies by {@code namespace/name}. */
  final Map<String, JsonNode> policies = new TreeMap<>();

  /** ClusterNetworkPolicies (cluster-scoped) by name. */
  final Map<String, JsonNode> clusterPolicies = new TreeMap<>();

  private CaseCluster(String model, List<Integer> probePorts) {
    this.model = model;
    this.probePorts = List.copyOf(probePorts);
  }

  /**
   * What a lab for this case must be: the same hosts (ids, nodes, addresses, hostNetwork), the same
   * externals and the same served ports. Cases with equal keys share a lab (labels and policies are
   * not part of the lab).
   */
  String labKey() {
    StringBuilder sb = new StringBuilder(model).append(" ports=").append(probePorts);
    pods.values()
        .forEach(
            p ->
                sb.append(' ')
                    .append(p.id)
                    .append('@')
                    .append(p.node)
                    .append('=')
                    .append(
                        p.hostNetwork ? "host" : p.ipv4 + (p.ipv6 == null ? "" : "," + p.ipv6)));
    externals.forEach((id, ip) -> sb.append(" ext:").append(id).append('=').append(ip));
    return sb.toString();
  }

  static String transitIpv4(String node) {
    return "10.99.0." + (10 + NODES.indexOf(node) + 1);
  }

  static String transitIpv6(String node) {
    return "fd00:99::" + (10 + NODES.indexOf(node) + 1);
  }

  static CaseCluster of(CaseFile c) {
    String model = c.model() == null ? "xyz" : c.model();
    if (model.equals("xyz")) {
      CaseCluster cc = new CaseCluster("xyz", c.ports());
      List<CaseFile.PortDecl> ports = new ArrayList<>();
      for (int port : List.of(80, 81)) {
        for (String proto : List.of("TCP", "UDP", "SCTP")) {
          ports.add(
              new CaseFile.PortDecl("serve-" + port + "-" + proto.toLowerCase(), port, proto));
        }
      }
      int i = 0;
      for (String ns : XYZ_NAMESPACES) {
        cc.namespaces.put(ns, new TreeMap<>());
        for (String p : XYZ_PODS) {
          cc.addPod(
              new CaseFile.PodDecl(
                  ns + "/" + p, NODES.get(i++ % 2), Map.of("pod", p), ports, false, false));
        }
      }
      cc.addExternals(c);
      return cc;
    }
    if (!model.equals("custom")) {
      throw new IllegalArgumentException(c.name() + ": unknown model '" + model + "'");
    }
    CaseCluster cc = new CaseCluster("custom", c.ports());
    if (c.namespaces() != null) {
      c.namespaces()
          .forEach(
              (ns, labels) ->
                  cc.namespaces.put(ns, new TreeMap<>(labels == null ? Map.of() : labels)));
    }
    for (CaseFile.PodDecl p : c.pods()) {
      cc.addPod(p);
      cc.namespaces.computeIfAbsent(
          p.name().substring(0, p.name().indexOf('/')), k -> new TreeMap<>());
    }
    cc.addExternals(c);
    return cc;
  }

  private void addExternals(CaseFile c) {
    if (c.externals() != null) {
      c.externals().forEach(e -> externals.put(e.name(), e.ip()));
    }
  }

  private void addPod(CaseFile.PodDecl p) {
    String node = p.node() == null ? NODES.get(pods.size() % 2) : p.node();
    if (!NODES.contains(node)) {
      throw new IllegalArgumentException("pod " + p.name() + " on unknown node " + node);
    }
    boolean host = Boolean.TRUE.equals(p.hostNetwork());
    int n = NODES.indexOf(node) + 1;
    long onNode = pods.values().stream().filter(x -> x.node.equals(node) && !x.hostNetwork).count();
    String v4 = host ? transitIpv4(node) : "10.244." + n + "." + (10 + onNode);
    String v6 =
        host
            ? transitIpv6(node)
            : Boolean.TRUE.equals(p.ipv6()) ? "fd00:10:244:" + n + "::" + (10 + onNode) : null;
    pods.put(
        p.name(),
        new PodState(
            p.name(),
            node,
            v4,
            v6,
            host,
            p.ports() == null ? List.of() : p.ports(),
            p.labels() == null ? Map.of() : p.labels()));
  }

  LabSpec labSpec(String prefix) {
    List<LabNode> nodes = new ArrayList<>();
    for (int i = 0; i < NODES.size(); i++) {
      String node = NODES.get(i);
      nodes.add(
          new LabNode(
              node,
              transitIpv4(node),
              transitIpv6(node),
              "10.244." + (i + 1) + ".0/24",
              "fd00:10:244:" + (i + 1) + "::/64"));
    }
    List<LabHost> hosts = new ArrayList<>();
    for (PodState p : pods.values()) {
      hosts.add(
          p.hostNetwork
              ? LabHost.hostNetwork(p.id, p.node)
              : new LabHost(p.id, p.node, p.ipv4, p.ipv6, false));
    }
    externals.forEach((id, ip) -> hosts.add(LabHost.external(id, ip, null)));
    return new LabSpec(prefix, nodes, hosts);
  }

  /** Applies one step's changes (not its expectations). */
  void apply(CaseFile.Step step) {
    if (step.createPods() != null && !step.createPods().isEmpty()) {
      throw new IllegalArgumentException(
          "step " + step.name() + ": createPods is not supported by the harness yet");
    }
    if (step.setLabels() != null) {
      for (CaseFile.LabelChange lc : step.setLabels()) {
        Map<String, String> labels = new TreeMap<>(lc.labels() == null ? Map.of() : lc.labels());
        if (lc.pod() != null) {
          pod(lc.pod()).labels = labels;
        } else if (lc.node() != null) {
          if (!NODES.contains(lc.node())) {
            throw new IllegalArgumentException(
                "step " + step.name() + ": unknown node " + lc.node() + " (known: " + NODES + ")");
          }
          nodeLabels.put(lc.node(), labels);
        } else if (lc.namespace() != null) {
          if (!namespaces.containsKey(lc.namespace())) {
            throw new IllegalArgumentException(
                "step " + step.name() + ": unknown namespace " + lc.namespace());
          }
          namespaces.put(lc.namespace(), labels);
        } else {
          throw new IllegalArgumentException(
              "step " + step.name() + ": setLabels needs pod, namespace or node");
        }
      }
    }
    if (step.deletePods() != null) {
      step.deletePods().forEach(id -> pod(id).deleted = true);
    }
    if (step.delete() != null) {
      for (String d : step.delete()) {
        String[] parts = d.trim().split("\\s+");
        Map<String, JsonNode> of =
            parts.length != 2
                ? null
                : switch (parts[0]) {
                  case "NetworkPolicy" -> parts[1].contains("/") ? policies : null;
                  case "ClusterNetworkPolicy" -> parts[1].contains("/") ? null : clusterPolicies;
                  default -> null;
                };
        if (of == null || of.remove(parts[1]) == null) {
          throw new IllegalArgumentException(
              "step "
                  + step.name()
                  + ": cannot delete '"
                  + d
                  + "' (expected 'NetworkPolicy <namespace>/<name>' or 'ClusterNetworkPolicy <name>'"
                  + " naming an object that exists)");
        }
      }
    }
    if (step.apply() != null) {
      List<RawObject> docs;
      try {
        docs = ManifestParser.parse("step " + step.name(), substitute(step.apply()));
      } catch (ManifestSyntaxException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      for (RawObject doc : docs) {
        JsonNode n = doc.node();
        String kind = n.path("kind").asText();
        String name = n.path("metadata").path("name").asText("");
        if (name.isEmpty()) {
          throw new IllegalArgumentException(
              "step " + step.name() + ": a " + kind + " in apply has no metadata.name");
        }
        switch (kind) {
          case "NetworkPolicy" -> {
            String ns = n.path("metadata").path("namespace").asText("default");
            policies.put(ns + "/" + name, n);
          }
          case "ClusterNetworkPolicy" -> {
            if (n.path("metadata").has("namespace")) {
              throw new IllegalArgumentException(
                  "step "
                      + step.name()
                      + ": ClusterNetworkPolicy "
                      + name
                      + " is cluster-scoped and has no namespace");
            }
            clusterPolicies.put(name, n);
          }
          default ->
              throw new IllegalArgumentException(
                  "step "
                      + step.name()
                      + ": apply holds only NetworkPolicies and ClusterNetworkPolicies, got "
                      + n.path("kind"));
        }
      }
    }
  }

  /**
   * Another pod replaces {@code id}: the old one is deleted and a new pod with a new name and
   * labels gets the same node and IP (as when a finished pod's IP is reused at once).
   */
  void replacePod(String id, String newName, Map<String, String> labels) {
    PodState p = pod(id);
    p.replacementName = newName;
    p.labels = new TreeMap<>(labels);
  }

  PodState pod(String id) {
    PodState p = pods.get(id);
    if (p == null) {
      throw new IllegalArgumentException("unknown pod " + id);
    }
    return p;
  }

  /** Replaces {@code ${ip:x/a}}, {@code ${ip6:x/a}} and {@code ${ip:ext}} with addresses. */
  String substitute(String text) {
    Matcher m = TEMPLATE.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String who = m.group(2);
      String ip;
      if (externals.containsKey(who)) {
        ip = externals.get(who);
      } else {
        PodState p = pod(who);
        ip = m.group(1).equals("ip") ? p.ipv4 : p.ipv6;
      }
      if (ip == null) {
        throw new IllegalArgumentException("no " + m.group(1) + " address for " + who);
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(ip));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /**
   * The current state as manifests, the way a user would write them for {@code fenceline compile}.
   */
  String manifests() {
    List<JsonNode> docs = new ArrayList<>();
    for (String node : NODES) {
      ObjectNode n = YAML.createObjectNode().put("apiVersion", "v1").put("kind", "Node");
      ObjectNode labels = n.putObject("metadata").put("name", node).putObject("labels");
      nodeLabels.getOrDefault(node, Map.of()).forEach(labels::put);
      kubeletLabels(node).forEach(labels::put);
      ArrayNode addrs = n.putObject("status").putArray("addresses");
      addrs.addObject().put("type", "InternalIP").put("address", transitIpv4(node));
      docs.add(n);
    }
    namespaces.forEach(
        (name, labels) -> {
          ObjectNode n = YAML.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
          ObjectNode meta = n.putObject("metadata").put("name", name);
          labels.forEach(meta.putObject("labels")::put);
          docs.add(n);
        });
    for (PodState p : pods.values()) {
      if (p.deleted) {
        continue;
      }
      ObjectNode n = YAML.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
      ObjectNode meta =
          n.putObject("metadata").put("name", p.name()).put("namespace", p.namespace());
      p.labels.forEach(meta.putObject("labels")::put);
      ObjectNode spec = n.putObject("spec").put("nodeName", p.node);
      if (p.hostNetwork) {
        spec.put("hostNetwork", true);
      }
      ObjectNode container =
          spec.putArray("containers").addObject().put("name", "server").put("image", "agent");
      ArrayNode ports = container.putArray("ports");
      for (CaseFile.PortDecl d : p.ports) {
        ObjectNode port = ports.addObject();
        if (d.name() != null) {
          port.put("name", d.name());
        }
        port.put("containerPort", d.containerPort())
            .put("protocol", d.protocol() == null ? "TCP" : d.protocol());
      }
      ObjectNode status =
          n.putObject("status")
              .put("phase", "Running")
              .put("podIP", p.ipv4)
              .put("hostIP", transitIpv4(p.node));
      ArrayNode ips = status.putArray("podIPs");
      ips.addObject().put("ip", p.ipv4);
      if (p.ipv6 != null) {
        ips.addObject().put("ip", p.ipv6);
      }
      docs.add(n);
    }
    docs.addAll(policies.values());
    docs.addAll(clusterPolicies.values());
    StringBuilder sb = new StringBuilder();
    try {
      for (JsonNode d : docs) {
        sb.append(YAML.writeValueAsString(d));
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return sb.toString();
  }

  /**
   * The labels a kubelet sets on its node (what ClusterNetworkPolicy {@code nodes} peers usually
   * select on); a step's node labels come on top of them.
   */
  static Map<String, String> kubeletLabels(String node) {
    return Map.of(
        "kubernetes.io/arch", "amd64", "kubernetes.io/hostname", node, "kubernetes.io/os", "linux");
  }

  /** Hosts that exist in the current state (deleted pods do not). */
  Set<String> liveHosts() {
    Set<String> out = new TreeSet<>(externals.keySet());
    pods.values().stream().filter(p -> !p.deleted).forEach(p -> out.add(p.id));
    return out;
  }
}
