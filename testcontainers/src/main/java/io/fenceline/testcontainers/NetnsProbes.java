package io.fenceline.testcontainers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real connection attempts between the pods that {@code fenceline up --netns} built as network
 * namespaces inside the container. Each pod's namespace runs fenceline's probe agent, which answers
 * a TCP connection or a UDP datagram on the served ports with the pod's own name; an attempt
 * connects when that name comes back. Attempts start in the source pod's namespace ({@code ip netns
 * exec}, bash's {@code /dev/tcp} and {@code /dev/udp}), so they cross the nodes' FORWARD chains as
 * pod traffic does.
 */
final class NetnsProbes {
  /** A pod namespace: {@code fl-<prefix>-h<index>-<namespace.name>} (the sandbox's scheme). */
  private static final Pattern POD_NETNS = Pattern.compile("fl-[a-z0-9]+-h[0-9]+-(.+)");

  static final int TIMEOUT_SECONDS = 3;
  private static final int BATCH = 64;

  private final ContainerCli cli;
  private final Set<Integer> servedPorts;
  private Map<String, PodNetns> pods;

  record PodNetns(String pod, String netns, String ip) {}

  NetnsProbes(ContainerCli cli, Set<Integer> servedPorts) {
    this.cli = cli;
    this.servedPorts = Set.copyOf(servedPorts);
  }

  /** The pods with a namespace of their own (hostNetwork pods have none), by namespace/name. */
  synchronized Map<String, PodNetns> pods() {
    if (pods == null) {
      Map<String, PodNetns> found = new LinkedHashMap<>();
      String out =
          cli.bash(
              "for ns in $(ip netns list | cut -d' ' -f1); do "
                  + "echo \"$ns $(ip -n \"$ns\" -o -4 addr show scope global "
                  + "| awk '{print $4}' | cut -d/ -f1 | head -1)\"; done");
      for (String line : out.lines().toList()) {
        String[] f = line.strip().split(" ");
        Matcher m = POD_NETNS.matcher(f[0]);
        if (f.length == 2 && m.matches()) {
          String sanitized = m.group(1);
          int slash = sanitized.indexOf('.');
          String id =
              slash < 0
                  ? sanitized
                  : sanitized.substring(0, slash) + "/" + sanitized.substring(slash + 1);
          found.put(id, new PodNetns(id, f[0], f[1]));
        }
      }
      pods = Map.copyOf(found);
    }
    return pods;
  }

  Connection probe(String from, String to, int port, Protocol protocol) {
    return probeAll(List.of(new Connection(from, to, port, protocol, false, ""))).get(0);
  }

  /** Runs the attempts (the input's connected/detail are ignored) in parallel batches. */
  List<Connection> probeAll(List<Connection> flows) {
    List<Connection> results = new ArrayList<>();
    for (int start = 0; start < flows.size(); start += BATCH) {
      results.addAll(batch(flows.subList(start, Math.min(flows.size(), start + BATCH))));
    }
    return results;
  }

  private List<Connection> batch(List<Connection> flows) {
    StringBuilder script = new StringBuilder();
    script.append(
        "probe() { if [ \"$3\" = TCP ]; then "
            + "r=$(ip netns exec \"$2\" timeout "
            + TIMEOUT_SECONDS
            + " bash -c 'exec 3<>/dev/tcp/$0/$1 && dd bs=512 count=1 <&3 2>/dev/null' \"$4\" \"$5\" 2>&1); "
            + "else r=$(ip netns exec \"$2\" timeout "
            + TIMEOUT_SECONDS
            + " bash -c 'exec 3<>/dev/udp/$0/$1 && printf probe >&3 && dd bs=512 count=1 <&3 2>/dev/null'"
            + " \"$4\" \"$5\" 2>&1); fi; "
            + "rc=$?; echo \"$1 $rc $(echo \"$r\" | head -1)\"; }\n");
    for (int i = 0; i < flows.size(); i++) {
      Connection c = flows.get(i);
      PodNetns src = pod(c.from());
      PodNetns dst = pod(c.to());
      if (!servedPorts.contains(c.port())) {
        throw new IllegalArgumentException(
            "port "
                + c.port()
                + " is not served by the pods' probe agents (served: "
                + new java.util.TreeSet<>(servedPorts)
                + "); add it with FencelineContainer.withProbePorts(...)");
      }
      script
          .append("probe ")
          .append(i)
          .append(' ')
          .append(src.netns())
          .append(' ')
          .append(c.protocol())
          .append(' ')
          .append(dst.ip())
          .append(' ')
          .append(c.port())
          .append(" &\n");
    }
    script.append("wait\n");
    Map<Integer, String[]> answers = new LinkedHashMap<>();
    for (String line : cli.bash(script.toString()).lines().toList()) {
      String[] f = line.split(" ", 3);
      if (f.length >= 2) {
        answers.put(Integer.parseInt(f[0]), f);
      }
    }
    List<Connection> results = new ArrayList<>();
    for (int i = 0; i < flows.size(); i++) {
      Connection c = flows.get(i);
      String address = pod(c.to()).ip() + ":" + c.port();
      String[] a = answers.get(i);
      if (a == null) {
        throw new IllegalStateException("no answer for the attempt " + c.flow());
      }
      int rc = Integer.parseInt(a[1]);
      String reply = a.length > 2 ? a[2].strip() : "";
      boolean connected = rc == 0 && reply.equals(c.to());
      String detail;
      if (connected) {
        detail = "reply '" + reply + "' from " + address;
      } else if (rc == 124) {
        detail = "no answer within " + TIMEOUT_SECONDS + " s from " + address + " (dropped)";
      } else if (rc == 0) {
        detail = "wrong or no reply '" + reply + "' from " + address;
      } else {
        // bash says "<address>: connect: Connection refused": keep the reason
        String reason =
            reply.isEmpty()
                ? "failed, exit " + rc
                : reply.substring(reply.lastIndexOf(": ") + 1).strip();
        detail = reason + " (" + address + ")";
      }
      results.add(new Connection(c.from(), c.to(), c.port(), c.protocol(), connected, detail));
    }
    return results;
  }

  private PodNetns pod(String id) {
    PodNetns p = pods().get(id);
    if (p == null) {
      throw new IllegalArgumentException(
          "no pod "
              + id
              + " with a network namespace in the container (pods: "
              + pods().keySet()
              + ")");
    }
    return p;
  }
}
