package io.fenceline.core.history;

import io.fenceline.core.explain.FlowExplainer;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.Protocol;
import java.util.Locale;

/**
 * A flow as an investigator names it: each end {@code namespace/pod} or an IP, and a destination
 * port with its protocol ({@code 6379/TCP}). An IP is resolved against the state at the moment
 * asked (IPs are reused); a pod name must exist then.
 */
public record FlowQuery(String src, String dst, int port, Protocol protocol) {

  public FlowQuery {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 1..65535");
    }
  }

  /** Parses {@code PORT/PROTO} (protocol TCP when omitted). */
  public static FlowQuery of(String src, String dst, String portSpec) {
    String[] parts = portSpec.split("/", -1);
    int port;
    try {
      port = Integer.parseInt(parts[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--port must be PORT/PROTO such as 6379/TCP, got '" + portSpec + "'");
    }
    Protocol protocol;
    try {
      protocol =
          parts.length > 1 ? Protocol.valueOf(parts[1].toUpperCase(Locale.ROOT)) : Protocol.TCP;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown protocol '" + parts[1] + "' (TCP, UDP or SCTP)");
    }
    if (parts.length > 2) {
      throw new IllegalArgumentException("--port must be PORT/PROTO, got '" + portSpec + "'");
    }
    return new FlowQuery(src, dst, port, protocol);
  }

  static boolean isPodName(String text) {
    return text.contains("/") && !text.contains(":") && !text.matches("[0-9.]+(/\\d+)?");
  }

  /** The address family to use: an IP end decides; two pods use IPv4 when both have it. */
  int family(ClusterState state) {
    for (String end : new String[] {src, dst}) {
      if (!isPodName(end)) {
        return IpAddress.parse(end).family();
      }
    }
    Pod a = state.pods().get(ObjectKey.parse(src));
    Pod b = state.pods().get(ObjectKey.parse(dst));
    boolean v4 =
        a == null
            || b == null
            || (a.ips().stream().anyMatch(i -> i.family() == 4)
                && b.ips().stream().anyMatch(i -> i.family() == 4));
    return v4 ? 4 : 6;
  }

  /** Explains this flow against {@code state}; a pod name that does not exist there is an error. */
  public FlowExplainer.Explanation explain(ClusterState state) {
    FlowExplainer x = new FlowExplainer(state);
    int family = family(state);
    return x.explain(x.endpoint(src, family), x.endpoint(dst, family), protocol, port);
  }

  @Override
  public String toString() {
    return src + " -> " + dst + " " + port + "/" + protocol;
  }
}
