package io.fenceline.engine.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.events.ChangeEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A random but reproducible history of one cluster, as per-object event sequences: namespaces
 * created and relabelled; pods created, relabelled, finished (their IP then reused by a new pod),
 * deleted; policies created, edited, deleted. {@link #interleave} merges the sequences in a random
 * order that keeps each object's own order, as the event log of a real cluster could.
 *
 * <p>Not the fleet generator ({@code fleet/}) on purpose: a dozen objects whose histories hold the
 * cases the differential tests are about (a finished pod's address reused at once by another pod,
 * policies deleted, string and number ports), kept per object so that {@link #interleave} can try
 * many orders; a realistic fleet would make each try slow and the cases rare. (Unrelated to
 * forensics' {@code io.fenceline.forensics.ClusterHistory}, the replay of a cluster's event log.)
 */
final class ClusterHistory {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String CLUSTER = "c1";
  private static final String[] APPS = {"a0", "a1", "a2", "a3"};
  private static final String[] TEAMS = {"red", "blue"};

  /** Per-object sequences, keyed by kind/namespace/name. */
  final Map<String, List<ChangeEvent>> sequences = new LinkedHashMap<>();

  private final Random random;
  private Instant clock = Instant.parse("2026-11-26T10:00:00Z");

  ClusterHistory(long seed) {
    this.random = new Random(seed);
    for (int n = 0; n < 3; n++) {
      String ns = "ns" + n;
      seq("Namespace/" + ns).add(upsert("Namespace", "", ns, namespace(ns, TEAMS[n % 2])));
      if (random.nextBoolean()) {
        seq("Namespace/" + ns).add(upsert("Namespace", "", ns, namespace(ns, TEAMS[(n + 1) % 2])));
      }
    }
    int ip = 10;
    for (int i = 0; i < 14; i++) {
      String ns = "ns" + random.nextInt(3);
      String name = "p" + i;
      String key = "Pod/" + ns + "/" + name;
      String addr = "10.1.0." + ip++;
      String node = "node-" + random.nextInt(5);
      boolean dual = random.nextInt(4) == 0;
      int httpPort = random.nextBoolean() ? 80 : 8080;
      seq(key)
          .add(
              upsert("Pod", ns, name, pod(ns, name, app(), addr, dual, node, "Running", httpPort)));
      if (random.nextBoolean()) {
        seq(key)
            .add(
                upsert(
                    "Pod", ns, name, pod(ns, name, app(), addr, dual, node, "Running", httpPort)));
      }
      int fate = random.nextInt(4);
      if (fate == 0) {
        seq(key)
            .add(
                upsert(
                    "Pod",
                    ns,
                    name,
                    pod(ns, name, app(), addr, dual, node, "Succeeded", httpPort)));
        // Its IP is reused at once by a new pod, possibly on another node.
        String reuse = "r" + i;
        seq("Pod/" + ns + "/" + reuse)
            .add(
                upsert(
                    "Pod",
                    ns,
                    reuse,
                    pod(
                        ns,
                        reuse,
                        app(),
                        addr,
                        false,
                        "node-" + random.nextInt(5),
                        "Running",
                        httpPort)));
      } else if (fate == 1) {
        seq(key).add(ChangeEvent.delete(CLUSTER, "Pod", ns, name, null, null, tick(), 1));
      }
    }
    for (int k = 0; k < 6; k++) {
      String ns = "ns" + random.nextInt(3);
      String name = "pol" + k;
      String key = "NetworkPolicy/" + ns + "/" + name;
      seq(key).add(upsert("NetworkPolicy", ns, name, policy(ns, name)));
      if (random.nextBoolean()) {
        seq(key).add(upsert("NetworkPolicy", ns, name, policy(ns, name)));
      }
      if (random.nextInt(4) == 0) {
        seq(key).add(ChangeEvent.delete(CLUSTER, "NetworkPolicy", ns, name, null, null, tick(), 1));
      }
    }
  }

  private List<ChangeEvent> seq(String key) {
    return sequences.computeIfAbsent(key, k -> new ArrayList<>());
  }

  private Instant tick() {
    clock = clock.plusMillis(10);
    return clock;
  }

  private String app() {
    return APPS[random.nextInt(APPS.length)];
  }

  private ChangeEvent upsert(String kind, String ns, String name, JsonNode object) {
    return ChangeEvent.upsert(CLUSTER, kind, ns, name, null, null, tick(), 1, object);
  }

  private static ObjectNode namespace(String name, String team) {
    ObjectNode n = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
    n.putObject("metadata").put("name", name).putObject("labels").put("team", team);
    return n;
  }

  private static ObjectNode pod(
      String ns,
      String name,
      String app,
      String ip,
      boolean dual,
      String node,
      String phase,
      int httpPort) {
    ObjectNode n = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
    n.putObject("metadata")
        .put("name", name)
        .put("namespace", ns)
        .putObject("labels")
        .put("app", app);
    ObjectNode spec = n.putObject("spec").put("nodeName", node);
    spec.putArray("containers")
        .addObject()
        .put("name", "c")
        .putArray("ports")
        .addObject()
        .put("name", "http")
        .put("containerPort", httpPort)
        .put("protocol", "TCP");
    ObjectNode status = n.putObject("status").put("phase", phase).put("podIP", ip);
    ArrayNode ips = status.putArray("podIPs");
    ips.addObject().put("ip", ip);
    if (dual) {
      ips.addObject().put("ip", "fd00::" + ip.substring(ip.lastIndexOf('.') + 1));
    }
    return n;
  }

  private ObjectNode policy(String ns, String name) {
    ObjectNode n =
        JSON.createObjectNode()
            .put("apiVersion", "networking.k8s.io/v1")
            .put("kind", "NetworkPolicy");
    n.putObject("metadata").put("name", name).put("namespace", ns);
    ObjectNode spec = n.putObject("spec");
    spec.putObject("podSelector").putObject("matchLabels").put("app", app());
    ArrayNode types = spec.putArray("policyTypes").add("Ingress");
    ObjectNode peer = JSON.createObjectNode();
    switch (random.nextInt(3)) {
      case 0 -> peer.putObject("podSelector").putObject("matchLabels").put("app", app());
      case 1 ->
          peer.putObject("namespaceSelector")
              .putObject("matchLabels")
              .put("team", TEAMS[random.nextInt(2)]);
      default -> {
        peer.putObject("namespaceSelector")
            .putObject("matchLabels")
            .put("team", TEAMS[random.nextInt(2)]);
        peer.putObject("podSelector").putObject("matchLabels").put("app", app());
      }
    }
    ObjectNode rule = spec.putArray("ingress").addObject();
    rule.putArray("from").add(peer);
    rule.putArray("ports").addObject().put("port", random.nextBoolean() ? "http" : "80");
    if (random.nextBoolean()) {
      types.add("Egress");
      ObjectNode eg = spec.putArray("egress").addObject();
      eg.putArray("to")
          .addObject()
          .putObject("podSelector")
          .putObject("matchLabels")
          .put("app", app());
      eg.putArray("ports").addObject().put("port", "http");
    }
    // "80" above is a string: make it a number, as a user would write it.
    if (rule.get("ports").get(0).get("port").asText().equals("80")) {
      ((ObjectNode) rule.get("ports").get(0)).put("port", 80);
    }
    return n;
  }

  /** A random merge of the sequences that keeps each sequence's order. */
  List<ChangeEvent> interleave(long seed) {
    Random r = new Random(seed);
    List<List<ChangeEvent>> queues = new ArrayList<>();
    sequences.values().forEach(s -> queues.add(new ArrayList<>(s)));
    List<ChangeEvent> out = new ArrayList<>();
    while (!queues.isEmpty()) {
      int i = r.nextInt(queues.size());
      out.add(queues.get(i).remove(0));
      if (queues.get(i).isEmpty()) {
        queues.remove(i);
      }
    }
    return out;
  }

  /** The objects that exist at the end: the last event of each sequence, unless it is a delete. */
  List<ChangeEvent> finalState() {
    List<ChangeEvent> out = new ArrayList<>();
    for (List<ChangeEvent> s : sequences.values()) {
      ChangeEvent last = s.get(s.size() - 1);
      if (last.object() != null) {
        out.add(last);
      }
    }
    return out;
  }
}
