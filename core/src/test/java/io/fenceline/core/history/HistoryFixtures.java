package io.fenceline.core.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import java.time.Instant;

/** Events of a small cluster, encoded as the log holds them. */
final class HistoryFixtures {
  static final String CLUSTER = "c1";
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private HistoryFixtures() {}

  static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static ChangeEvent namespace(String name, String labels, int t, long g) {
    return ChangeEvent.upsert(
        CLUSTER,
        "Namespace",
        "",
        name,
        null,
        "ns-" + t,
        at(t),
        g,
        json(
            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                + name
                + "\",\"labels\":"
                + labels
                + "}}"));
  }

  static ChangeEvent pod(String ns, String name, String app, String ip, int t, long g) {
    return ChangeEvent.upsert(
        CLUSTER,
        "Pod",
        ns,
        name,
        null,
        "pod-" + t,
        at(t),
        g,
        json(
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\""
                + name
                + "\",\"namespace\":\""
                + ns
                + "\",\"labels\":{\"app\":\""
                + app
                + "\"}},\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"m\"}]},"
                + "\"status\":{\"phase\":\"Running\",\"podIP\":\""
                + ip
                + "\",\"podIPs\":[{\"ip\":\""
                + ip
                + "\"}]}}"));
  }

  /** Isolates pods labelled app=db for ingress, allowing app=web on TCP 5432. */
  static ChangeEvent dbPolicy(String ns, int t, long g) {
    return ChangeEvent.upsert(
        CLUSTER,
        "NetworkPolicy",
        ns,
        "db",
        null,
        "np-" + t,
        at(t),
        g,
        json(
            "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\",\"metadata\":{\"name\":\"db\",\"namespace\":\""
                + ns
                + "\"},\"spec\":{\"podSelector\":{\"matchLabels\":{\"app\":\"db\"}},\"ingress\":[{\"from\":"
                + "[{\"podSelector\":{\"matchLabels\":{\"app\":\"web\"}}}],\"ports\":[{\"port\":5432}]}]}}"));
  }

  static ChangeEvent end(String kind, int t, long g) {
    return ChangeEvent.generationEnd(CLUSTER, kind, at(t), g);
  }

  static ChangeEvent[] listEnds(int t, long g) {
    return new ChangeEvent[] {
      end("Namespace", t, g), end("Pod", t, g), end("NetworkPolicy", t, g), end("Node", t, g)
    };
  }

  /** Folds events (offsets 0, 1, ...) through their encoded form, as the reader does. */
  static ClusterState fold(ChangeEvent... events) {
    ClusterState s = new ClusterState(CLUSTER, 0);
    long offset = 0;
    for (ChangeEvent e : events) {
      s.apply(LogEvent.decode(CLUSTER, EventCodec.encode(e), offset++));
    }
    return s;
  }
}
