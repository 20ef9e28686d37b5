package io.fenceline.forensics.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.events.ChangeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A long event history, deterministic from a seed: an initial list of namespaces, pods and
 * policies (default deny plus app-to-app allows per namespace), then churn — pod relabels, pods
 * replaced (deleted, and a new pod at the same IP), policy edits — one event every 10 ms of
 * observed time, with a heartbeat every 30 s.
 */
final class HistoryGenerator {
  static final String CLUSTER = "bench";
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] APPS = {"web", "api", "db", "cache", "worker", "auth", "search", "queue"};

  private final int namespaces;
  private final int podsPerNamespace;
  private final Random random;
  private final String[][] podApps;
  private final int[][] podSerial;
  private long t;

  HistoryGenerator(int namespaces, int podsPerNamespace, long seed) {
    this.namespaces = namespaces;
    this.podsPerNamespace = podsPerNamespace;
    this.random = new Random(seed);
    this.podApps = new String[namespaces][podsPerNamespace];
    this.podSerial = new int[namespaces][podsPerNamespace];
  }

  Instant now() {
    return T0.plusMillis(t * 10);
  }

  /** Emits {@code total} events, the initial list first. */
  void emit(long total, Consumer<ChangeEvent> out) {
    long n = 0;
    for (int ns = 0; ns < namespaces; ns++) {
      out.accept(namespace(ns));
      n++;
      for (int p = 0; p < podsPerNamespace; p++) {
        podApps[ns][p] = APPS[random.nextInt(APPS.length)];
        out.accept(pod(ns, p));
        n++;
      }
      out.accept(denyAll(ns));
      n++;
      for (int a = 0; a < APPS.length; a++) {
        out.accept(allow(ns, a, 0));
        n++;
      }
    }
    for (String kind : List.of("Namespace", "Pod", "NetworkPolicy", "Node")) {
      out.accept(ChangeEvent.generationEnd(CLUSTER, kind, now(), 1));
      n++;
    }
    long lastHeartbeat = t;
    while (n < total) {
      t++;
      if (t - lastHeartbeat >= 3000) {
        out.accept(ChangeEvent.heartbeat(CLUSTER, now(), Duration.ofSeconds(60)));
        lastHeartbeat = t;
        n++;
        continue;
      }
      int ns = random.nextInt(namespaces);
      int p = random.nextInt(podsPerNamespace);
      int dice = random.nextInt(100);
      if (dice < 70) {
        podApps[ns][p] = APPS[random.nextInt(APPS.length)];
        out.accept(pod(ns, p));
      } else if (dice < 95) {
        out.accept(ChangeEvent.delete(CLUSTER, "Pod", "ns-" + ns, podName(ns, p), null, null, now(), 1));
        podSerial[ns][p]++;
        out.accept(pod(ns, p)); // a new pod at the same IP
        n++;
      } else {
        out.accept(allow(ns, random.nextInt(APPS.length), 1 + random.nextInt(1000)));
      }
      n++;
    }
  }

  private String podName(int ns, int p) {
    return "pod-" + p + "-" + podSerial[ns][p];
  }

  String ipOf(int ns, int p) {
    return "10." + (ns / 200) + "." + (ns % 200) + "." + (p + 1);
  }

  private ChangeEvent namespace(int ns) {
    ObjectNode o = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
    o.putObject("metadata").put("name", "ns-" + ns).putObject("labels").put("team", "team-" + (ns % 10));
    return ChangeEvent.upsert(CLUSTER, "Namespace", "", "ns-" + ns, null, Long.toString(t), now(), 1, o);
  }

  private ChangeEvent pod(int ns, int p) {
    ObjectNode o = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode meta = o.putObject("metadata").put("name", podName(ns, p)).put("namespace", "ns-" + ns);
    meta.putObject("labels").put("app", podApps[ns][p]).put("tier", p % 2 == 0 ? "a" : "b");
    ObjectNode spec = o.putObject("spec").put("nodeName", "node-" + ((ns * podsPerNamespace + p) / 100));
    ObjectNode c = spec.putArray("containers").addObject().put("name", "main");
    c.putArray("ports").addObject().put("name", "http").put("containerPort", 8080).put("protocol", "TCP");
    String ip = ipOf(ns, p);
    ObjectNode status = o.putObject("status").put("phase", "Running").put("podIP", ip);
    status.putArray("podIPs").addObject().put("ip", ip);
    return ChangeEvent.upsert(CLUSTER, "Pod", "ns-" + ns, podName(ns, p), null, Long.toString(t), now(), 1, o);
  }

  private ChangeEvent denyAll(int ns) {
    ObjectNode o = policy(ns, "default-deny");
    o.putObject("spec").putObject("podSelector");
    return ChangeEvent.upsert(CLUSTER, "NetworkPolicy", "ns-" + ns, "default-deny", null, Long.toString(t), now(), 1, o);
  }

  private ChangeEvent allow(int ns, int app, int version) {
    String name = "allow-" + APPS[app];
    ObjectNode o = policy(ns, name);
    ObjectNode spec = o.putObject("spec");
    spec.putObject("podSelector").putObject("matchLabels").put("app", APPS[app]);
    ObjectNode rule = spec.putArray("ingress").addObject();
    rule.putArray("from").addObject().putObject("podSelector").putObject("matchLabels")
        .put("app", APPS[(app + 1 + version) % APPS.length]);
    rule.putArray("ports").addObject().put("port", "http").put("protocol", "TCP");
    return ChangeEvent.upsert(CLUSTER, "NetworkPolicy", "ns-" + ns, name, null, Long.toString(t), now(), 1, o);
  }

  private ObjectNode policy(int ns, String name) {
    ObjectNode o = JSON.createObjectNode().put("apiVersion", "networking.k8s.io/v1").put("kind", "NetworkPolicy");
    o.putObject("metadata").put("name", name).put("namespace", "ns-" + ns);
    return o;
  }

  List<String> sampleFlows(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int ns = random.nextInt(namespaces);
      out.add(ipOf(ns, random.nextInt(podsPerNamespace)) + " " + ipOf(ns, random.nextInt(podsPerNamespace)));
    }
    return out;
  }
}
