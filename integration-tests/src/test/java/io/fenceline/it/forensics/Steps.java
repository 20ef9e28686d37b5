package io.fenceline.it.forensics;

import java.util.List;
import java.util.stream.Stream;

/** The manifests of the recorded history, one cluster state per step. */
final class Steps {
  private Steps() {}

  private static final String NODES =
      """
      apiVersion: v1
      kind: Node
      metadata: {name: node-a}
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: node-b}
      ---
      """;

  private static String namespaces(boolean devIsTools) {
    return """
        apiVersion: v1
        kind: Namespace
        metadata: {name: prod, labels: {env: prod}, resourceVersion: "11"}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: dev, labels: {env: dev%s}, resourceVersion: "%s"}
        ---
        """
        .formatted(devIsTools ? ", team: tools" : "", devIsTools ? "31" : "12");
  }

  private static String pod(String ns, String name, String app, String ip, String node, String rv) {
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s, namespace: %s, labels: {app: %s}, resourceVersion: "%s"}
        spec:
          nodeName: %s
          containers:
            - name: main
              ports: [{name: pg, containerPort: 5432, protocol: TCP}, {name: http, containerPort: 80, protocol: TCP}]
        status: {phase: Running, podIP: %s, podIPs: [{ip: %s}]}
        ---
        """
        .formatted(name, ns, app, rv, node, ip, ip);
  }

  private static final String DB_INGRESS =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: db-ingress, namespace: prod, resourceVersion: "101"}
      spec:
        podSelector: {matchLabels: {app: db}}
        ingress:
          - from: [{podSelector: {matchLabels: {app: web}}}]
            ports: [{port: 5432, protocol: TCP}]
          - from: [{namespaceSelector: {matchLabels: {team: tools}}}]
            ports: [{port: pg, protocol: TCP}]
      ---
      """;

  private static final String DEV_NO_EGRESS =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: no-egress, namespace: dev, resourceVersion: "201"}
      spec:
        podSelector: {}
        policyTypes: [Egress]
      ---
      """;

  private static final String WEB = pod("prod", "web-0", "web", "10.40.0.11", "node-a", "21");
  private static final String DB = pod("prod", "db-0", "db", "10.40.0.12", "node-b", "22");
  private static final String TOOL = pod("dev", "tool-0", "tool", "10.40.0.21", "node-a", "23");
  private static final String BATCH = pod("prod", "batch-0", "batch", "10.40.0.11", "node-a", "41");

  static List<String> all() {
    return Stream.of(
            NODES + namespaces(false) + WEB + DB + TOOL, // 0: no policy
            NODES + namespaces(false) + WEB + DB + TOOL + DB_INGRESS, // 1: db isolated
            NODES
                + namespaces(true)
                + DB
                + TOOL
                + BATCH
                + DB_INGRESS, // 2: web-0 gone, its IP reused; dev is tools
            NODES
                + namespaces(true)
                + DB
                + TOOL
                + BATCH
                + DB_INGRESS
                + DEV_NO_EGRESS, // 3: dev may not egress
            NODES + namespaces(true) + DB + TOOL + BATCH + DEV_NO_EGRESS) // 4: db-ingress deleted
        .map(s -> s.substring(0, s.lastIndexOf("---"))) // no empty document at the end
        .toList();
  }
}
