package io.fenceline.engine.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.events.ChangeEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A realistic cluster, generated deterministically from a seed, as the events ingest would publish:
 * nodes (≤ 110 pods each, one /24 pod CIDR per node, 5% dual-stack pods), namespaces labelled
 * {@code team}/{@code env}, application pods labelled {@code app}/{@code tier}/{@code version} with
 * named container ports ({@code http} — whose number differs per app —, {@code metrics}, and a data
 * port on data-tier pods), infrastructure namespaces (kube-system with kube-dns, monitoring with
 * prometheus and a hostNetwork node-exporter per node, ingress-nginx), and the policies people
 * write: default deny per namespace, allow from the ingress controller and from prometheus
 * (namespace + pod selector, named ports), egress lock-down with DNS (in about half of the prod
 * namespaces), app→app allows on named ports, team-wide namespace-selector allows, ipBlock egress
 * with excepts, matchExpressions (In, NotIn, Exists), egress to named data ports (hash:ip,port sets).
 *
 * <p>It also generates pod churn (relabels, IP changes, creations, deletions) and single edits, and
 * keeps its own view of the cluster so that every event is valid against the current state.
 */
final class ClusterGenerator {
  static final String CLUSTER = "bench";
  static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_PODS_PER_NODE = 110;

  /** The size of a cluster: pods (infrastructure pods included), policies, nodes. */
  record Size(int pods, int policies, int nodes) {
    static Size parse(String text) {
      String[] p = text.split("/");
      return new Size(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
    }

    /** Application namespaces: about 100 pods each. */
    int namespaces() {
      return Math.max(3, pods / 100);
    }

    @Override
    public String toString() {
      return pods + " pods / " + policies + " policies / " + nodes + " nodes";
    }
  }

  /** An application kind: its tier, its {@code http} port, and an optional data port. */
  record App(String name, String tier, int httpPort, String dataPortName, int dataPort) {}

  private static final List<App> VOCABULARY = List.of(
      new App("web", "frontend", 80, null, 0),
      new App("frontend", "frontend", 3000, null, 0),
      new App("gateway", "frontend", 8080, null, 0),
      new App("api", "backend", 8080, null, 0),
      new App("auth", "backend", 8080, null, 0),
      new App("cart", "backend", 8080, null, 0),
      new App("catalog", "backend", 8081, null, 0),
      new App("search", "backend", 9200, null, 0),
      new App("orders", "backend", 8080, null, 0),
      new App("payments", "backend", 8443, null, 0),
      new App("worker", "backend", 8080, null, 0),
      new App("notifier", "backend", 3000, null, 0),
      new App("db", "data", 8008, "postgres", 5432),
      new App("cache", "data", 9121, "redis", 6379),
      new App("queue", "data", 15672, "amqp", 5672));

  private static final String[] ENVS = {"prod", "prod", "prod", "prod", "staging", "staging", "staging", "dev", "dev",
      "dev"};

  /** A namespace as the generator knows it. */
  static final class Ns {
    final String name;
    String team;
    String env;
    final List<App> apps = new ArrayList<>();
    final boolean infra;
    boolean egressLocked;
    int policies;
    final List<String> pods = new ArrayList<>();

    Ns(String name, String team, String env, boolean infra) {
      this.name = name;
      this.team = team;
      this.env = env;
      this.infra = infra;
    }
  }

  /** A pod as the generator knows it. */
  static final class PodState {
    final String ns;
    final String name;
    final TreeMap<String, String> labels = new TreeMap<>();
    final List<Object[]> ports = new ArrayList<>(); // {name, number, protocol}
    App app; // null for infrastructure pods
    int node;
    int slot; // host part of the IP in the node's /24 (0 for hostNetwork pods)
    boolean dual;
    boolean hostNetwork;
    int index; // position in the generator's pod list

    PodState(String ns, String name) {
      this.ns = ns;
      this.name = name;
    }
  }

  /** A policy as the generator knows it. */
  record PolicyState(String ns, String name, String shape, ObjectNode object) {}

  final Size size;
  private final Random random;
  private Instant clock = Instant.parse("2026-11-26T10:00:00Z");
  final List<Ns> namespaces = new ArrayList<>();
  private final Map<String, Ns> nsByName = new LinkedHashMap<>();
  private final List<Ns> appNamespaces = new ArrayList<>();
  final List<PodState> pods = new ArrayList<>();
  private final Map<String, PodState> podsByKey = new LinkedHashMap<>();
  final List<PolicyState> policies = new ArrayList<>();
  private final int[] podsOnNode;
  private final BitSet[] slotsOnNode;
  private long nextPodId;

  ClusterGenerator(long seed, Size size) {
    if ((long) size.nodes() * MAX_PODS_PER_NODE < size.pods()) {
      throw new IllegalArgumentException(size + ": more than " + MAX_PODS_PER_NODE + " pods per node");
    }
    this.size = size;
    this.random = new Random(seed);
    this.podsOnNode = new int[size.nodes()];
    this.slotsOnNode = new BitSet[size.nodes()];
    for (int i = 0; i < size.nodes(); i++) {
      slotsOnNode[i] = new BitSet(256);
    }
    build();
  }

  // ---- the initial cluster --------------------------------------------------------------------

  private void build() {
    int teams = Math.max(3, size.namespaces() / 20);
    Ns kubeSystem = addNs(new Ns("kube-system", "platform", "prod", true));
    Ns monitoring = addNs(new Ns("monitoring", "platform", "prod", true));
    Ns ingress = addNs(new Ns("ingress-nginx", "platform", "prod", true));
    for (int i = 0; i < size.namespaces(); i++) {
      Ns ns = addNs(new Ns(String.format("ns-%04d", i), "team-" + random.nextInt(teams),
          ENVS[random.nextInt(ENVS.length)], false));
      ns.egressLocked = ns.env.equals("prod") && random.nextBoolean();
      List<App> pool = new ArrayList<>(VOCABULARY);
      java.util.Collections.shuffle(pool, random);
      int apps = 4 + random.nextInt(5);
      // At least one frontend, one backend and one data app, as most services have.
      for (String tier : List.of("frontend", "backend", "data")) {
        pool.stream().filter(a -> a.tier().equals(tier)).findFirst().ifPresent(a -> {
          ns.apps.add(a);
          pool.remove(a);
        });
      }
      while (ns.apps.size() < apps) {
        ns.apps.add(pool.remove(0));
      }
      appNamespaces.add(ns);
    }

    // Infrastructure pods.
    for (int n = 0; n < size.nodes(); n++) {
      PodState p = newPod(monitoring, "node-exporter-" + n, null);
      p.labels.put("app", "node-exporter");
      p.ports.add(new Object[] {"metrics", 9100, "TCP"});
      p.hostNetwork = true;
      place(p, n);
    }
    int dns = Math.max(2, size.nodes() / 50);
    for (int i = 0; i < dns; i++) {
      PodState p = newPod(kubeSystem, "coredns-" + i, null);
      p.labels.put("k8s-app", "kube-dns");
      p.ports.add(new Object[] {"dns", 53, "UDP"});
      p.ports.add(new Object[] {"dns-tcp", 53, "TCP"});
      p.ports.add(new Object[] {"metrics", 9153, "TCP"});
      place(p, -1);
    }
    for (int i = 0; i < 2; i++) {
      PodState p = newPod(monitoring, "prometheus-" + i, null);
      p.labels.put("app", "prometheus");
      p.ports.add(new Object[] {"web", 9090, "TCP"});
      place(p, -1);
    }
    for (int i = 0; i < 3; i++) {
      PodState p = newPod(ingress, "ingress-nginx-controller-" + i, null);
      p.labels.put("app", "ingress-nginx");
      p.ports.add(new Object[] {"http", 80, "TCP"});
      p.ports.add(new Object[] {"https", 443, "TCP"});
      place(p, -1);
    }
    // Application pods.
    while (pods.size() < size.pods()) {
      Ns ns = appNamespaces.get(random.nextInt(appNamespaces.size()));
      App app = ns.apps.get(random.nextInt(ns.apps.size()));
      place(appPod(ns, app), -1);
    }
    // Policies: round-robin over application namespaces, each namespace's in a fixed order of shapes.
    for (int k = 0; k < size.policies(); k++) {
      Ns ns = appNamespaces.get(k % appNamespaces.size());
      policies.add(policy(ns, ns.policies++));
    }
  }

  private Ns addNs(Ns ns) {
    namespaces.add(ns);
    nsByName.put(ns.name, ns);
    return ns;
  }

  private PodState newPod(Ns ns, String name, App app) {
    PodState p = new PodState(ns.name, name);
    p.app = app;
    return p;
  }

  private PodState appPod(Ns ns, App app) {
    PodState p = newPod(ns, app.name() + "-" + Long.toString(nextPodId++, 36), app);
    setApp(p, app);
    p.labels.put("version", "v" + (1 + random.nextInt(3)));
    p.labels.put("pod-template-hash", Integer.toHexString(random.nextInt(1 << 24)));
    p.dual = random.nextInt(20) == 0;
    return p;
  }

  private static void setApp(PodState p, App app) {
    p.app = app;
    p.labels.put("app", app.name());
    p.labels.put("tier", app.tier());
    p.ports.clear();
    p.ports.add(new Object[] {"http", app.httpPort(), "TCP"});
    p.ports.add(new Object[] {"metrics", 9090, "TCP"});
    if (app.dataPortName() != null) {
      p.ports.add(new Object[] {app.dataPortName(), app.dataPort(), "TCP"});
    }
  }

  /** Puts a pod on a node ({@code node} < 0: any node with room) and gives it an address. */
  private void place(PodState p, int node) {
    if (node < 0) {
      node = random.nextInt(size.nodes());
      while (podsOnNode[node] >= MAX_PODS_PER_NODE) {
        node = (node + 1) % size.nodes();
      }
    }
    p.node = node;
    podsOnNode[node]++;
    if (!p.hostNetwork) {
      assignSlot(p);
    }
    p.index = pods.size();
    pods.add(p);
    podsByKey.put(p.ns + "/" + p.name, p);
    nsByName.get(p.ns).pods.add(p.name);
  }

  private void assignSlot(PodState p) {
    BitSet used = slotsOnNode[p.node];
    int slot = used.nextClearBit(2 + random.nextInt(200));
    if (slot > 254) {
      slot = used.nextClearBit(2);
    }
    used.set(slot);
    p.slot = slot;
  }

  private void unplace(PodState p) {
    podsOnNode[p.node]--;
    if (!p.hostNetwork) {
      slotsOnNode[p.node].clear(p.slot);
    }
    PodState last = pods.remove(pods.size() - 1);
    if (last != p) {
      pods.set(p.index, last);
      last.index = p.index;
    }
    podsByKey.remove(p.ns + "/" + p.name);
    nsByName.get(p.ns).pods.remove(p.name);
  }

  static String nodeName(int n) {
    return String.format("node-%04d", n);
  }

  private static String ipv4(PodState p) {
    if (p.hostNetwork) {
      return nodeIp(p.node);
    }
    return "10." + (64 + p.node / 256) + "." + (p.node % 256) + "." + p.slot;
  }

  private static String nodeIp(int n) {
    return "192.168." + (n / 250) + "." + (1 + n % 250);
  }

  // ---- JSON, as ingest publishes it -----------------------------------------------------------

  ObjectNode namespaceJson(Ns ns) {
    ObjectNode n = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
    ObjectNode labels = n.putObject("metadata").put("name", ns.name).putObject("labels");
    labels.put("kubernetes.io/metadata.name", ns.name).put("team", ns.team).put("env", ns.env);
    return n;
  }

  static ObjectNode nodeJson(int n) {
    ObjectNode o = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Node");
    o.putObject("metadata").put("name", nodeName(n));
    o.putObject("status").putArray("addresses").addObject().put("type", "InternalIP").put("address", nodeIp(n));
    return o;
  }

  static ObjectNode podJson(PodState p) {
    ObjectNode n = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode labels = n.putObject("metadata").put("name", p.name).put("namespace", p.ns).putObject("labels");
    p.labels.forEach(labels::put);
    ObjectNode spec = n.putObject("spec").put("nodeName", nodeName(p.node));
    if (p.hostNetwork) {
      spec.put("hostNetwork", true);
    }
    ArrayNode ports = spec.putArray("containers").addObject().put("name", "main").putArray("ports");
    for (Object[] cp : p.ports) {
      ports.addObject().put("name", (String) cp[0]).put("containerPort", (Integer) cp[1]).put("protocol", (String) cp[2]);
    }
    String ip = ipv4(p);
    ObjectNode status = n.putObject("status").put("phase", "Running").put("podIP", ip);
    ArrayNode ips = status.putArray("podIPs");
    ips.addObject().put("ip", ip);
    if (p.dual && !p.hostNetwork) {
      ips.addObject().put("ip", "fd00:" + Integer.toHexString(p.node) + "::" + Integer.toHexString(p.slot));
    }
    return n;
  }

  // ---- policies -----------------------------------------------------------------------------

  private PolicyState policy(Ns ns, int j) {
    String shape;
    if (j == 0) {
      shape = "default-deny";
    } else if (j == 1) {
      shape = "allow-ingress-controller";
    } else if (j == 2) {
      shape = "allow-prometheus";
    } else if (j == 3 && ns.egressLocked) {
      shape = "egress-lockdown";
    } else {
      int r = random.nextInt(100);
      shape = r < 35 ? "app-to-app" : r < 50 ? "team-allow" : r < 60 ? "env-gateway" : r < 75 ? "ipblock-egress"
          : r < 90 ? "expressions" : "egress-data";
    }
    return new PolicyState(ns.name, shape + "-" + j, shape, policyJson(ns, shape + "-" + j, shape));
  }

  /** A new version of a policy: the same name and shape, its rules drawn again (and different). */
  PolicyState edit(PolicyState p) {
    Ns ns = nsByName.get(p.ns());
    for (int attempt = 0; attempt < 20; attempt++) {
      ObjectNode o = policyJson(ns, p.name(), p.shape());
      if (!o.equals(p.object())) {
        PolicyState next = new PolicyState(p.ns(), p.name(), p.shape(), o);
        policies.set(policies.indexOf(p), next);
        return next;
      }
    }
    // Shapes without random parts: add a port to the first rule (a typical edit).
    ObjectNode o = p.object().deepCopy();
    ObjectNode spec = (ObjectNode) o.get("spec");
    String dir = spec.has("ingress") ? "ingress" : "egress";
    if (!spec.has(dir) || spec.get(dir).isEmpty()) {
      spec.putArray("ingress").addObject().putArray("ports").addObject().put("port", 8080);
    } else {
      ObjectNode rule = (ObjectNode) spec.get(dir).get(0);
      ArrayNode ports = rule.has("ports") ? (ArrayNode) rule.get("ports") : rule.putArray("ports");
      ports.addObject().put("port", 10000 + random.nextInt(1000));
    }
    PolicyState next = new PolicyState(p.ns(), p.name(), p.shape(), o);
    policies.set(policies.indexOf(p), next);
    return next;
  }

  private ObjectNode policyJson(Ns ns, String name, String shape) {
    ObjectNode n = JSON.createObjectNode().put("apiVersion", "networking.k8s.io/v1").put("kind", "NetworkPolicy");
    n.putObject("metadata").put("name", name).put("namespace", ns.name);
    ObjectNode spec = n.putObject("spec");
    App target = ns.apps.get(random.nextInt(ns.apps.size()));
    switch (shape) {
      case "default-deny" -> {
        spec.putObject("podSelector");
        spec.putArray("policyTypes").add("Ingress");
      }
      case "allow-ingress-controller" -> {
        matchLabels(spec.putObject("podSelector"), "tier", "frontend");
        ObjectNode rule = spec.putArray("ingress").addObject();
        ObjectNode peer = rule.putArray("from").addObject();
        matchLabels(peer.putObject("namespaceSelector"), "kubernetes.io/metadata.name", "ingress-nginx");
        matchLabels(peer.putObject("podSelector"), "app", "ingress-nginx");
        rule.putArray("ports").addObject().put("port", "http");
      }
      case "allow-prometheus" -> {
        spec.putObject("podSelector");
        ObjectNode rule = spec.putArray("ingress").addObject();
        ObjectNode peer = rule.putArray("from").addObject();
        matchLabels(peer.putObject("namespaceSelector"), "kubernetes.io/metadata.name", "monitoring");
        matchLabels(peer.putObject("podSelector"), "app", "prometheus");
        rule.putArray("ports").addObject().put("port", "metrics");
      }
      case "egress-lockdown" -> {
        spec.putObject("podSelector");
        spec.putArray("policyTypes").add("Egress");
        ArrayNode egress = spec.putArray("egress");
        ObjectNode dns = egress.addObject();
        ObjectNode peer = dns.putArray("to").addObject();
        matchLabels(peer.putObject("namespaceSelector"), "kubernetes.io/metadata.name", "kube-system");
        matchLabels(peer.putObject("podSelector"), "k8s-app", "kube-dns");
        ArrayNode ports = dns.putArray("ports");
        ports.addObject().put("protocol", "UDP").put("port", 53);
        ports.addObject().put("protocol", "TCP").put("port", 53);
        ObjectNode same = egress.addObject();
        same.putArray("to").addObject().putObject("podSelector");
      }
      case "app-to-app" -> {
        matchLabels(spec.putObject("podSelector"), "app", target.name());
        ObjectNode rule = spec.putArray("ingress").addObject();
        ArrayNode from = rule.putArray("from");
        int peers = 1 + random.nextInt(2);
        for (int i = 0; i < peers; i++) {
          matchLabels(from.addObject().putObject("podSelector"), "app", ns.apps.get(random.nextInt(ns.apps.size())).name());
        }
        rule.putArray("ports").addObject().put("port", "http");
      }
      case "team-allow" -> {
        matchLabels(spec.putObject("podSelector"), "app", target.name());
        ObjectNode rule = spec.putArray("ingress").addObject();
        matchLabels(rule.putArray("from").addObject().putObject("namespaceSelector"), "team", ns.team);
        rule.putArray("ports").addObject().put("port", "http");
      }
      case "env-gateway" -> {
        matchLabels(spec.putObject("podSelector"), "app", target.name());
        ObjectNode rule = spec.putArray("ingress").addObject();
        ObjectNode peer = rule.putArray("from").addObject();
        matchLabels(peer.putObject("namespaceSelector"), "env", ns.env);
        matchLabels(peer.putObject("podSelector"), "app", "gateway");
        rule.putArray("ports").addObject().put("protocol", "TCP").put("port", target.httpPort());
      }
      case "ipblock-egress" -> {
        matchLabels(spec.putObject("podSelector"), "tier", random.nextBoolean() ? "backend" : "data");
        spec.putArray("policyTypes").add("Egress");
        ObjectNode rule = spec.putArray("egress").addObject();
        ObjectNode block = rule.putArray("to").addObject().putObject("ipBlock");
        if (random.nextBoolean()) {
          block.put("cidr", "0.0.0.0/0");
          block.putArray("except").add("10.0.0.0/8").add("172.16.0.0/12").add("192.168.0.0/16");
          rule.putArray("ports").addObject().put("protocol", "TCP").put("port", 443);
        } else {
          block.put("cidr", "10.200." + random.nextInt(256) + ".0/24");
          rule.putArray("ports").addObject().put("protocol", "TCP").put("port", 5432);
        }
      }
      case "expressions" -> {
        expression(spec.putObject("podSelector").putArray("matchExpressions"), "tier", "In", "backend", "data");
        ObjectNode rule = spec.putArray("ingress").addObject();
        ArrayNode from = rule.putArray("from");
        ArrayNode e1 = from.addObject().putObject("podSelector").putArray("matchExpressions");
        expression(e1, "app", "NotIn", "web", "frontend");
        expression(e1, "tier", "Exists");
        ObjectNode p2 = from.addObject();
        expression(p2.putObject("namespaceSelector").putArray("matchExpressions"), "env", "In",
            random.nextBoolean() ? new String[] {"prod", "staging"} : new String[] {ns.env});
        expression(p2.putObject("podSelector").putArray("matchExpressions"), "app", "In", "gateway",
            ns.apps.get(random.nextInt(ns.apps.size())).name());
        ArrayNode ports = rule.putArray("ports");
        ports.addObject().put("port", 8080);
        ports.addObject().put("protocol", "TCP").put("port", 30000).put("endPort", 32767);
      }
      case "egress-data" -> {
        matchLabels(spec.putObject("podSelector"), "app", target.name());
        spec.putArray("policyTypes").add("Egress");
        ObjectNode rule = spec.putArray("egress").addObject();
        matchLabels(rule.putArray("to").addObject().putObject("podSelector"), "tier", "data");
        ArrayNode ports = rule.putArray("ports");
        ports.addObject().put("port", "postgres");
        ports.addObject().put("port", "redis");
      }
      default -> throw new IllegalArgumentException(shape);
    }
    return n;
  }

  private static void matchLabels(ObjectNode selector, String key, String value) {
    selector.putObject("matchLabels").put(key, value);
  }

  private static void expression(ArrayNode list, String key, String op, String... values) {
    ObjectNode e = list.addObject().put("key", key).put("operator", op);
    if (values.length > 0) {
      ArrayNode v = e.putArray("values");
      for (String s : values) {
        v.add(s);
      }
    }
  }

  // ---- events -------------------------------------------------------------------------------

  private Instant tick() {
    clock = clock.plusMillis(3);
    return clock;
  }

  ChangeEvent upsert(String kind, String ns, String name, ObjectNode object) {
    return ChangeEvent.upsert(CLUSTER, kind, ns, name, null, null, tick(), 1, object);
  }

  ChangeEvent podUpsert(PodState p) {
    return upsert("Pod", p.ns, p.name, podJson(p));
  }

  ChangeEvent namespaceUpsert(Ns ns) {
    return upsert("Namespace", "", ns.name, namespaceJson(ns));
  }

  ChangeEvent policyUpsert(PolicyState p) {
    return upsert("NetworkPolicy", p.ns(), p.name(), p.object());
  }

  /**
   * Every object, in the order the engine's object store returns them when a task starts
   * (key {@code cluster \0 kind \0 namespace \0 name}: namespaces, policies, nodes, pods).
   */
  List<ChangeEvent> storeOrder() {
    List<ChangeEvent> out = new ArrayList<>();
    namespaces.stream().sorted((a, b) -> a.name.compareTo(b.name)).forEach(ns -> out.add(namespaceUpsert(ns)));
    policies.stream().sorted((a, b) -> (a.ns() + "\0" + a.name()).compareTo(b.ns() + "\0" + b.name()))
        .forEach(p -> out.add(policyUpsert(p)));
    for (int n = 0; n < size.nodes(); n++) {
      out.add(upsert("Node", "", nodeName(n), nodeJson(n)));
    }
    pods.stream().sorted((a, b) -> (a.ns + "\0" + a.name).compareTo(b.ns + "\0" + b.name))
        .forEach(p -> out.add(podUpsert(p)));
    return out;
  }

  /** Every object, pods before policies (as a first ingest of a live cluster may publish them). */
  List<ChangeEvent> podsFirstOrder() {
    List<ChangeEvent> out = new ArrayList<>();
    namespaces.forEach(ns -> out.add(namespaceUpsert(ns)));
    for (int n = 0; n < size.nodes(); n++) {
      out.add(upsert("Node", "", nodeName(n), nodeJson(n)));
    }
    pods.forEach(p -> out.add(podUpsert(p)));
    policies.forEach(p -> out.add(policyUpsert(p)));
    return out;
  }

  /** The kinds of pod churn, for reporting. */
  enum Churn { RELABEL_APP, RELABEL_VERSION, IP_CHANGE, CREATE, DELETE }

  record ChurnEvent(Churn type, ChangeEvent event) {}

  /**
   * {@code count} pod events: 15% app relabels (app and tier change: the pod moves between sets and
   * policies), 15% version relabels (no policy looks at it), 20% IP changes (sandbox recreated on the
   * same node), 25% creations, 25% deletions (so the cluster keeps its size).
   */
  List<ChurnEvent> podChurn(int count) {
    List<ChurnEvent> out = new ArrayList<>(count);
    while (out.size() < count) {
      int r = random.nextInt(100);
      if (r < 15) {
        out.add(new ChurnEvent(Churn.RELABEL_APP, relabelPod()));
      } else if (r < 30) {
        out.add(new ChurnEvent(Churn.RELABEL_VERSION, relabelPodVersion()));
      } else if (r < 50) {
        out.add(new ChurnEvent(Churn.IP_CHANGE, changePodIp()));
      } else if (r < 75) {
        out.add(new ChurnEvent(Churn.CREATE, createPod()));
      } else {
        out.add(new ChurnEvent(Churn.DELETE, deletePod()));
      }
    }
    return out;
  }

  /** A rollout-style relabel that no policy looks at (version, pod-template-hash). */
  ChangeEvent relabelPodVersion() {
    PodState p = randomAppPod();
    p.labels.put("version", "v" + (1 + random.nextInt(9)));
    p.labels.put("pod-template-hash", Integer.toHexString(random.nextInt(1 << 24)));
    return podUpsert(p);
  }

  /** The pod's sandbox was recreated: same pod, same node, a new IP. */
  ChangeEvent changePodIp() {
    PodState p = randomAppPod();
    int old = p.slot;
    assignSlot(p);
    slotsOnNode[p.node].clear(old);
    return podUpsert(p);
  }

  ChangeEvent createPod() {
    Ns ns = appNamespaces.get(random.nextInt(appNamespaces.size()));
    PodState p = appPod(ns, ns.apps.get(random.nextInt(ns.apps.size())));
    place(p, -1);
    return podUpsert(p);
  }

  ChangeEvent deletePod() {
    PodState p = randomAppPod();
    unplace(p);
    return ChangeEvent.delete(CLUSTER, "Pod", p.ns, p.name, null, null, tick(), 1);
  }

  PodState randomAppPod() {
    while (true) {
      PodState p = pods.get(random.nextInt(pods.size()));
      if (p.app != null) {
        return p;
      }
    }
  }

  /** Relabels a random application pod to another app of its namespace. */
  ChangeEvent relabelPod() {
    while (true) {
      PodState p = randomAppPod();
      Ns ns = nsByName.get(p.ns);
      App other = ns.apps.get(random.nextInt(ns.apps.size()));
      if (other != p.app) {
        setApp(p, other);
        return podUpsert(p);
      }
    }
  }

  /** Moves a random application namespace to another env (prod ↔ staging ↔ dev). */
  ChangeEvent relabelNamespace() {
    Ns ns = appNamespaces.get(random.nextInt(appNamespaces.size()));
    String next;
    do {
      next = ENVS[random.nextInt(ENVS.length)];
    } while (next.equals(ns.env));
    ns.env = next;
    return namespaceUpsert(ns);
  }

  /** Edits a random policy other than a default deny. */
  ChangeEvent editPolicy() {
    while (true) {
      PolicyState p = policies.get(random.nextInt(policies.size()));
      if (!p.shape().equals("default-deny")) {
        return policyUpsert(edit(p));
      }
    }
  }
}
