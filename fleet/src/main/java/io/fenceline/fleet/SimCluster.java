package io.fenceline.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.model.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * One simulated cluster and the operations that change it. Every operation updates the state and
 * returns the change ingest would publish, so that every change is valid against the state it
 * follows. Pure: randomness comes from the {@link Random} the caller passes.
 */
public final class SimCluster {
  private static final int FIRST_SLOT = 2;
  private static final int LAST_SLOT = 254;

  final String name;
  final int nodeCount;
  final List<SimNamespace> namespaces = new ArrayList<>();
  final Map<String, SimNamespace> namespacesByName = new LinkedHashMap<>();
  final List<SimPod> pods = new ArrayList<>();
  private final Map<String, Integer> podIndex = new HashMap<>();
  final List<SimPolicy> policies = new ArrayList<>();
  private final int[] podsOnNode;
  private final BitSet[] slots;
  private long resourceVersion;
  private long serial;

  SimCluster(String name, int nodeCount) {
    this.name = name;
    this.nodeCount = nodeCount;
    this.podsOnNode = new int[nodeCount];
    this.slots = new BitSet[nodeCount];
    for (int i = 0; i < nodeCount; i++) {
      slots[i] = new BitSet(256);
    }
  }

  public String name() {
    return name;
  }

  public int nodeCount() {
    return nodeCount;
  }

  public List<SimNamespace> namespaces() {
    return List.copyOf(namespaces);
  }

  public List<SimPod> pods() {
    return List.copyOf(pods);
  }

  public int podCount() {
    return pods.size();
  }

  public List<SimPolicy> policies() {
    return List.copyOf(policies);
  }

  public String nodeName(int node) {
    return name + "-node-" + String.format("%04d", node);
  }

  public int podsOn(int node) {
    return podsOnNode[node];
  }

  /** The pod's IPv4 address (its node's, on the host network). */
  public String podIp(SimPod p) {
    return p.hostNetwork ? nodeAddress(p.node) : podAddress4(p);
  }

  static String nodeAddress(int node) {
    return "172." + (16 + node / 256) + "." + (node % 256) + ".10";
  }

  static String podAddress4(SimPod p) {
    return "10." + (p.node / 256) + "." + (p.node % 256) + "." + p.slot;
  }

  static String podAddress6(SimPod p) {
    return "fd00:" + Integer.toHexString(p.node) + "::" + Integer.toHexString(p.slot);
  }

  // ---- building blocks ------------------------------------------------------------------------

  SimNamespace addNamespace(SimNamespace ns) {
    namespaces.add(ns);
    namespacesByName.put(ns.name, ns);
    return ns;
  }

  private String nextUid(String kind, String key) {
    return UUID.nameUUIDFromBytes(
            (name + "/" + kind + "/" + key + "/" + serial++).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  private String nextResourceVersion() {
    return Long.toString(++resourceVersion);
  }

  /** A node with room for one more pod: a random one, or the next with room after it. */
  private int placeNode(Random random) {
    int start = random.nextInt(nodeCount);
    for (int i = 0; i < nodeCount; i++) {
      int n = (start + i) % nodeCount;
      if (podsOnNode[n] < FleetSpec.MAX_PODS_PER_NODE) {
        return n;
      }
    }
    throw new IllegalStateException(
        "cluster " + name + ": every node holds " + FleetSpec.MAX_PODS_PER_NODE + " pods");
  }

  static String templateHash(SimNamespace ns, App app, int revision) {
    int h = (ns.name + "/" + app.name() + "/" + revision).hashCode();
    return String.format("%05x", h & 0xfffff);
  }

  // ---- pods -----------------------------------------------------------------------------------

  /**
   * Schedules a new pod of {@code app} in {@code ns} (null app: an infrastructure pod, labels
   * given).
   */
  Change addPod(
      SimNamespace ns,
      App app,
      Map<String, String> infraLabels,
      List<SimPod.Port> infraPorts,
      int node,
      boolean hostNetwork,
      Random random,
      ChangeKind cause) {
    int n = node >= 0 ? node : placeNode(random);
    int slot = 0;
    if (!hostNetwork) {
      slot = slots[n].nextClearBit(FIRST_SLOT);
      if (slot > LAST_SLOT) {
        throw new IllegalStateException(
            "cluster " + name + ": node " + nodeName(n) + " has no free pod address");
      }
      slots[n].set(slot);
    }
    podsOnNode[n]++;
    String podName;
    List<SimPod.Port> ports;
    if (app != null) {
      int revision = ns.revisions.get(ns.apps.indexOf(app));
      podName =
          app.name() + "-" + templateHash(ns, app, revision) + "-" + Long.toString(serial, 36);
      ports = new ArrayList<>();
      ports.add(new SimPod.Port("http", app.httpPort(), "TCP"));
      ports.add(new SimPod.Port("metrics", 9090, "TCP"));
      if (app.hasDataPort()) {
        ports.add(new SimPod.Port(app.dataPortName(), app.dataPort(), "TCP"));
      }
    } else {
      podName = infraLabels.values().iterator().next() + "-" + Long.toString(serial, 36);
      ports = infraPorts;
    }
    boolean dual = !hostNetwork && app != null && random.nextInt(20) == 0;
    SimPod p =
        new SimPod(
            ns.name,
            podName,
            nextUid("Pod", ns.name + "/" + podName),
            app,
            ports,
            n,
            slot,
            dual,
            hostNetwork);
    if (app != null) {
      p.labels.put("app", app.name());
      p.labels.put("tier", app.tier());
      p.labels.put(
          "pod-template-hash", templateHash(ns, app, ns.revisions.get(ns.apps.indexOf(app))));
    } else {
      p.labels.putAll(infraLabels);
    }
    podIndex.put(p.key(), pods.size());
    pods.add(p);
    return podChange(p, cause);
  }

  Change deletePod(SimPod p, ChangeKind cause) {
    Integer i = podIndex.remove(p.key());
    if (i == null) {
      throw new IllegalArgumentException("cluster " + name + ": no pod " + p.key());
    }
    SimPod last = pods.remove(pods.size() - 1);
    if (last != p) {
      pods.set(i, last);
      podIndex.put(last.key(), i);
    }
    podsOnNode[p.node]--;
    if (!p.hostNetwork) {
      slots[p.node].clear(p.slot);
    }
    return new Change(
        name, Kind.POD, p.namespace, p.name, p.uid, nextResourceVersion(), null, cause);
  }

  /** Moves an application pod to another app of its namespace (app and tier labels change). */
  Change relabelPod(SimPod p, Random random) {
    SimNamespace ns = namespacesByName.get(p.namespace);
    App next = ns.apps.get(random.nextInt(ns.apps.size()));
    if (next == p.app) {
      next = ns.apps.get((ns.apps.indexOf(next) + 1) % ns.apps.size());
    }
    p.app = next;
    p.labels.put("app", next.name());
    p.labels.put("tier", next.tier());
    return podChange(p, ChangeKind.POD_RELABEL);
  }

  /** Sets the {@code version} label of an application pod, which no generated policy reads. */
  Change relabelPodVersion(SimPod p, Random random) {
    p.labels.put("version", "v" + (1 + random.nextInt(9)));
    return podChange(p, ChangeKind.POD_VERSION_RELABEL);
  }

  /**
   * Gives a pod (not on the host network) a new address on its node, as a recreated sandbox gets.
   */
  Change changePodAddress(SimPod p, Random random) {
    int slot = slots[p.node].nextClearBit(FIRST_SLOT + random.nextInt(LAST_SLOT - FIRST_SLOT));
    if (slot > LAST_SLOT) {
      slot = slots[p.node].nextClearBit(FIRST_SLOT);
    }
    if (slot > LAST_SLOT) {
      throw new IllegalStateException(
          "cluster " + name + ": node " + nodeName(p.node) + " has no free pod address");
    }
    slots[p.node].set(slot);
    slots[p.node].clear(p.slot);
    p.slot = slot;
    return podChange(p, ChangeKind.POD_ADDRESS_CHANGE);
  }

  private Change podChange(SimPod p, ChangeKind cause) {
    ObjectNode o =
        ObjectJson.pod(
            p,
            nodeName(p.node),
            nodeAddress(p.node),
            podAddress4(p),
            p.dualStack ? podAddress6(p) : null,
            nextResourceVersion());
    return new Change(
        name,
        Kind.POD,
        p.namespace,
        p.name,
        p.uid,
        o.path("metadata").path("resourceVersion").asText(),
        o,
        cause);
  }

  /**
   * A rollout of one app of {@code ns}: a new pod template revision, every pod of the app replaced
   * (the new pod created, then the old one deleted, as a surge rollout does).
   */
  List<Change> rollout(SimNamespace ns, App app, Random random) {
    int a = ns.apps.indexOf(app);
    ns.revisions.set(a, ns.revisions.get(a) + 1);
    List<SimPod> old = new ArrayList<>();
    for (SimPod p : pods) {
      if (p.namespace.equals(ns.name) && p.app == app) {
        old.add(p);
      }
    }
    List<Change> out = new ArrayList<>();
    for (SimPod p : old) {
      out.add(addPod(ns, app, null, null, -1, false, random, ChangeKind.ROLLOUT));
      out.add(deletePod(p, ChangeKind.ROLLOUT));
    }
    return out;
  }

  // ---- namespaces, policies, nodes ------------------------------------------------------------

  Change namespaceChange(SimNamespace ns, ChangeKind cause) {
    String uid =
        UUID.nameUUIDFromBytes((name + "/Namespace/" + ns.name).getBytes(StandardCharsets.UTF_8))
            .toString();
    ObjectNode o = ObjectJson.namespace(ns, uid, nextResourceVersion());
    return new Change(
        name,
        Kind.NAMESPACE,
        "",
        ns.name,
        uid,
        o.path("metadata").path("resourceVersion").asText(),
        o,
        cause);
  }

  /** Moves {@code ns} to another environment ({@code env} label). */
  Change relabelNamespace(SimNamespace ns, Random random) {
    String next = FleetGenerator.ENVS.get(random.nextInt(FleetGenerator.ENVS.size()));
    ns.env = next.equals(ns.env) ? (ns.env.equals("dev") ? "staging" : "dev") : next;
    return namespaceChange(ns, ChangeKind.NAMESPACE_RELABEL);
  }

  Change addPolicy(
      SimNamespace ns, PolicyShape shape, String policyName, String targetApp, String sourceApp) {
    SimPolicy p =
        new SimPolicy(
            ns.name,
            policyName,
            nextUid("NetworkPolicy", ns.name + "/" + policyName),
            shape,
            targetApp,
            sourceApp);
    policies.add(p);
    return policyChange(p, ChangeKind.INITIAL);
  }

  /** Edits a policy: the next revision of its spec (for app-to-app allows, another source app). */
  Change editPolicy(SimPolicy p, Random random) {
    p.revision++;
    if (p.shape == PolicyShape.APP_TO_APP) {
      SimNamespace ns = namespacesByName.get(p.namespace);
      p.sourceApp = ns.apps.get(random.nextInt(ns.apps.size())).name();
    }
    return policyChange(p, ChangeKind.POLICY_EDIT);
  }

  private Change policyChange(SimPolicy p, ChangeKind cause) {
    ObjectNode o =
        ObjectJson.policy(
            p, PolicySpecs.spec(p, namespacesByName.get(p.namespace)), nextResourceVersion());
    return new Change(
        name,
        Kind.NETWORK_POLICY,
        p.namespace,
        p.name,
        p.uid,
        o.path("metadata").path("resourceVersion").asText(),
        o,
        cause);
  }

  /** The whole current state as upserts: namespaces, nodes, pods, policies. */
  public List<Change> snapshot() {
    List<Change> out = new ArrayList<>();
    for (SimNamespace ns : namespaces) {
      out.add(namespaceChange(ns, ChangeKind.INITIAL));
    }
    for (int n = 0; n < nodeCount; n++) {
      String uid =
          UUID.nameUUIDFromBytes((name + "/Node/" + n).getBytes(StandardCharsets.UTF_8)).toString();
      ObjectNode o = ObjectJson.node(nodeName(n), nodeAddress(n), uid, nextResourceVersion());
      out.add(
          new Change(
              name,
              Kind.NODE,
              "",
              nodeName(n),
              uid,
              o.path("metadata").path("resourceVersion").asText(),
              o,
              ChangeKind.INITIAL));
    }
    for (SimPod p : pods) {
      out.add(podChange(p, ChangeKind.INITIAL));
    }
    for (SimPolicy p : policies) {
      out.add(policyChange(p, ChangeKind.INITIAL));
    }
    return out;
  }
}
