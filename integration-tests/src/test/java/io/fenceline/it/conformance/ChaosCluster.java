package io.fenceline.it.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A seeded random churn over the x/y/z cluster of the conformance cases (three namespaces of three
 * pods on two nodes): pods relabelled, deleted and re-created, replaced by a successor at the same
 * IP; namespaces relabelled, deleted with everything in them and re-created; policies created,
 * edited and deleted. The pods keep their node and address (the network namespaces are fixed); a
 * deleted pod is simply absent from the manifests. Every change returns a line saying what it did.
 */
final class ChaosCluster {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> NAMESPACES = List.of("x", "y", "z");
  private static final List<String> POLICY_NAMES = List.of("p1", "p2", "p3");

  final CaseCluster state;
  private final Random random;
  private int successors;

  ChaosCluster(Random random) {
    this.random = random;
    this.state = CaseCluster.of(new CaseFile("chaos", null, "xyz", null, null, null, List.of()));
  }

  /** One random change of the cluster. */
  String change() {
    List<CaseCluster.PodState> deleted =
        state.pods.values().stream().filter(p -> p.deleted).toList();
    if (deleted.size() > state.pods.size() / 2 && random.nextBoolean()) {
      // Deletions (namespaces, ingest faults) outnumber re-creations: keep enough pods to probe.
      return recreatePod(pick(deleted));
    }
    int r = random.nextInt(100);
    if (r < 22) {
      return relabelPod();
    } else if (r < 36) {
      return deleteOrRecreatePod();
    } else if (r < 41) {
      return replacePod();
    } else if (r < 55) {
      return relabelNamespace();
    } else if (r < 80) {
      return upsertPolicy();
    } else if (r < 94) {
      return deletePolicy();
    }
    return deleteOrRecreateNamespace();
  }

  /** Deletes one object that exists (a pod, a policy or a namespace with its pods and policies). */
  String deleteSomething() {
    int r = random.nextInt(10);
    if (r < 5) {
      List<CaseCluster.PodState> live = livePods();
      if (!live.isEmpty()) {
        CaseCluster.PodState p = pick(live);
        p.deleted = true;
        return "delete pod " + p.namespace() + "/" + p.name();
      }
    }
    if (r < 8 && !state.policies.isEmpty()) {
      String key = pick(new ArrayList<>(state.policies.keySet()));
      state.policies.remove(key);
      return "delete policy " + key;
    }
    if (state.namespaces.size() > 1) {
      return deleteNamespace(pick(new ArrayList<>(state.namespaces.keySet())));
    }
    return upsertPolicy();
  }

  private String relabelPod() {
    List<CaseCluster.PodState> live = livePods();
    if (live.isEmpty()) {
      return deleteOrRecreatePod();
    }
    CaseCluster.PodState p = pick(live);
    p.labels = podLabels();
    return "relabel pod " + p.namespace() + "/" + p.name() + " " + p.labels;
  }

  private String deleteOrRecreatePod() {
    CaseCluster.PodState p = pick(new ArrayList<>(state.pods.values()));
    if (!p.deleted) {
      p.deleted = true;
      return "delete pod " + p.namespace() + "/" + p.name();
    }
    return recreatePod(p);
  }

  private String recreatePod(CaseCluster.PodState p) {
    if (!state.namespaces.containsKey(p.namespace())) {
      return recreateNamespace(p.namespace());
    }
    p.deleted = false;
    p.labels = podLabels();
    return "create pod " + p.namespace() + "/" + p.name() + " " + p.labels;
  }

  private String replacePod() {
    List<CaseCluster.PodState> live = livePods();
    if (live.isEmpty()) {
      return deleteOrRecreatePod();
    }
    CaseCluster.PodState p = pick(live);
    String old = p.name();
    state.replacePod(p.id, "succ" + (++successors), podLabels());
    return "replace pod "
        + p.namespace()
        + "/"
        + old
        + " by "
        + p.name()
        + " "
        + p.labels
        + " at "
        + p.ipv4;
  }

  private String relabelNamespace() {
    if (state.namespaces.isEmpty()) {
      return deleteOrRecreateNamespace();
    }
    String ns = pick(new ArrayList<>(state.namespaces.keySet()));
    Map<String, String> labels = namespaceLabels();
    state.namespaces.put(ns, labels);
    return "relabel namespace " + ns + " " + labels;
  }

  private String deleteOrRecreateNamespace() {
    String ns = pick(NAMESPACES);
    if (state.namespaces.containsKey(ns) && state.namespaces.size() > 1) {
      return deleteNamespace(ns);
    }
    return state.namespaces.containsKey(ns) ? relabelNamespace() : recreateNamespace(ns);
  }

  private String deleteNamespace(String ns) {
    state.namespaces.remove(ns);
    state.pods.values().stream()
        .filter(p -> p.namespace().equals(ns))
        .forEach(p -> p.deleted = true);
    state.policies.keySet().removeIf(k -> k.startsWith(ns + "/"));
    return "delete namespace " + ns + " with its pods and policies";
  }

  private String recreateNamespace(String ns) {
    Map<String, String> labels = namespaceLabels();
    state.namespaces.put(ns, labels);
    return "create namespace " + ns + " " + labels;
  }

  private String upsertPolicy() {
    List<String> namespaces = new ArrayList<>(state.namespaces.keySet());
    if (namespaces.isEmpty()) {
      return recreateNamespace(pick(NAMESPACES));
    }
    String ns = pick(namespaces);
    String name = pick(POLICY_NAMES);
    ObjectNode policy = policy(ns, name);
    boolean existed = state.policies.put(ns + "/" + name, policy) != null;
    return (existed ? "edit" : "create") + " policy " + ns + "/" + name + " " + policy.get("spec");
  }

  private String deletePolicy() {
    if (state.policies.isEmpty()) {
      return upsertPolicy();
    }
    String key = pick(new ArrayList<>(state.policies.keySet()));
    state.policies.remove(key);
    return "delete policy " + key;
  }

  private List<CaseCluster.PodState> livePods() {
    return state.pods.values().stream().filter(p -> !p.deleted).toList();
  }

  private Map<String, String> podLabels() {
    Map<String, String> labels = new TreeMap<>();
    labels.put("pod", pick(List.of("a", "b", "c")));
    if (random.nextBoolean()) {
      labels.put("role", pick(List.of("web", "db")));
    }
    return labels;
  }

  private Map<String, String> namespaceLabels() {
    Map<String, String> labels = new TreeMap<>();
    if (random.nextBoolean()) {
      labels.put("team", pick(List.of("red", "blue")));
    }
    if (random.nextBoolean()) {
      labels.put("env", pick(List.of("prod", "dev")));
    }
    return labels;
  }

  private ObjectNode policy(String ns, String name) {
    ObjectNode p =
        JSON.createObjectNode()
            .put("apiVersion", "networking.k8s.io/v1")
            .put("kind", "NetworkPolicy");
    p.putObject("metadata").put("name", name).put("namespace", ns);
    ObjectNode spec = p.putObject("spec");
    spec.set("podSelector", podSelector());
    int types = random.nextInt(4); // default, Ingress, Egress, both
    if (types > 0) {
      ArrayNode t = spec.putArray("policyTypes");
      if (types != 2) {
        t.add("Ingress");
      }
      if (types != 1) {
        t.add("Egress");
      }
    }
    if (types != 2) {
      rules(spec, "ingress", "from");
    }
    if (types != 1 || random.nextInt(3) == 0) {
      rules(spec, "egress", "to");
    }
    return p;
  }

  private void rules(ObjectNode spec, String direction, String peersField) {
    int n = random.nextInt(3); // 0: no rule at all (deny)
    if (n == 0 && random.nextBoolean()) {
      return; // the direction's rule list is absent
    }
    ArrayNode rules = spec.putArray(direction);
    for (int i = 0; i < n; i++) {
      ObjectNode rule = rules.addObject();
      if (random.nextInt(4) != 0) {
        ArrayNode peers = rule.putArray(peersField);
        int k = 1 + random.nextInt(2);
        for (int j = 0; j < k; j++) {
          peers.add(peer());
        }
      }
      if (random.nextBoolean()) {
        ArrayNode ports = rule.putArray("ports");
        ports.add(port());
        if (random.nextInt(3) == 0) {
          ports.add(port());
        }
      }
    }
  }

  private ObjectNode peer() {
    ObjectNode peer = JSON.createObjectNode();
    switch (random.nextInt(5)) {
      case 0 -> peer.set("podSelector", podSelector());
      case 1 -> peer.set("namespaceSelector", namespaceSelector());
      case 2 -> {
        peer.set("podSelector", podSelector());
        peer.set("namespaceSelector", namespaceSelector());
      }
      case 3 -> {
        ObjectNode block = peer.putObject("ipBlock").put("cidr", "10.244.0.0/16");
        block.putArray("except").add("10.244." + (1 + random.nextInt(2)) + ".0/24");
      }
      default -> {
        CaseCluster.PodState p = pick(new ArrayList<>(state.pods.values()));
        peer.putObject("ipBlock").put("cidr", p.ipv4 + "/32");
      }
    }
    return peer;
  }

  private ObjectNode port() {
    ObjectNode port = JSON.createObjectNode();
    String protocol = pick(List.of("TCP", "UDP"));
    switch (random.nextInt(4)) {
      case 0 -> port.put("port", 80 + random.nextInt(2));
      case 1 ->
          port.put("port", "serve-" + (80 + random.nextInt(2)) + "-" + protocol.toLowerCase());
      case 2 -> port.put("port", 80).put("endPort", 81);
      default -> {} // every port of the protocol
    }
    port.put("protocol", protocol);
    return port;
  }

  private ObjectNode podSelector() {
    ObjectNode s = JSON.createObjectNode();
    switch (random.nextInt(6)) {
      case 0 -> {} // {}: every pod
      case 1 -> s.putObject("matchLabels").put("pod", pick(List.of("a", "b", "c")));
      case 2 -> s.putObject("matchLabels").put("role", pick(List.of("web", "db")));
      case 3 ->
          expression(s, "pod", pick(List.of("In", "NotIn")), List.of("a", pick(List.of("b", "c"))));
      case 4 -> expression(s, "role", pick(List.of("Exists", "DoesNotExist")), List.of());
      default -> {
        s.putObject("matchLabels").put("pod", pick(List.of("a", "b", "c")));
        expression(s, "role", "In", List.of("web"));
      }
    }
    return s;
  }

  private ObjectNode namespaceSelector() {
    ObjectNode s = JSON.createObjectNode();
    switch (random.nextInt(5)) {
      case 0 -> {} // {}: every namespace
      case 1 -> s.putObject("matchLabels").put("team", pick(List.of("red", "blue")));
      case 2 -> s.putObject("matchLabels").put("kubernetes.io/metadata.name", pick(NAMESPACES));
      case 3 -> expression(s, "env", "NotIn", List.of("prod"));
      default -> expression(s, "team", "Exists", List.of());
    }
    return s;
  }

  private static void expression(
      ObjectNode selector, String key, String operator, List<String> values) {
    ObjectNode e =
        selector.putArray("matchExpressions").addObject().put("key", key).put("operator", operator);
    if (!values.isEmpty()) {
      ArrayNode v = e.putArray("values");
      values.forEach(v::add);
    }
  }

  private <T> T pick(List<T> from) {
    return from.get(random.nextInt(from.size()));
  }
}
