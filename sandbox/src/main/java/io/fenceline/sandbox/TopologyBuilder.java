package io.fenceline.sandbox;

import io.fenceline.applier.kernel.CommandRunner;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the namespaces, links, addresses and routes of a lab. Routed, like Calico; nothing in the
 * root namespace (veths are created directly inside their namespaces).
 *
 * <pre>
 *  pod ns ──veth── node ns ──veth──┐
 *  pod ns ──veth──┘  (router)       │
 *                                transit ns (pure L3 router, no bridge)
 *  pod ns ──veth── node ns ──veth──┤
 *                     external ns ─┘
 * </pre>
 *
 * <p>Why a router and not a bridge: node transit IPs and external host IPs can then be arbitrary
 * addresses (no shared subnet or mask to agree on), and every hop uses the same scheme as a Calico
 * pod veth. Every leaf (pod, external host) and every node has its address as /32 (/128) on its
 * interface and a default route {@code via 169.254.1.1 onlink} / {@code via fe80::1}. On the
 * upstream side: the transit holds 169.254.1.1 on lo (answers ARP on every interface) and fe80::1
 * on every veth; a node answers ARP for 169.254.1.1 on its pod veths by proxy-ARP (proxy_delay 0;
 * its own route to 169.254.1.1 leaves via the uplink) and holds fe80::1 on every pod veth. Routes:
 * node: pod /32 (/128) dev pod-veth src node-IP, other nodes' pod CIDRs and default via the
 * transit, its own CIDR "unreachable" (no loops for absent pods). Transit: node IP dev node-veth,
 * pod CIDR and pod /32 via node IP, external /32 dev external-veth.
 *
 * <p>So a cross-node pod packet crosses FORWARD in both node namespaces, a same-node one crosses
 * FORWARD of its node once, and a hostNetwork host (the node namespace itself) sends via OUTPUT and
 * receives via INPUT. rp_filter is 0 everywhere, DAD off, ICMP rate limits off (REJECT must answer
 * every probe), and no iptables rule is installed anywhere (all policies ACCEPT).
 */
final class TopologyBuilder {

  private static final String GW4 = "169.254.1.1";
  private static final String GW6 = "fe80::1";

  private final LabLayout layout;
  private final LabNames names;
  private final LabSpec spec;

  TopologyBuilder(LabLayout layout) {
    this.layout = layout;
    this.names = layout.names();
    this.spec = layout.spec();
  }

  void build() {
    String transit = names.transitNs();
    List<String> routers = new ArrayList<>();
    routers.add(transit);
    spec.nodes().forEach(n -> routers.add(names.nodeNs(n)));

    for (String ns : layout.allNamespaces()) {
      CommandRunner.onHost().check("ip", "netns", "add", ns);
      sysctl(ns, baseSysctls(routers.contains(ns)));
    }
    for (int i = 0; i < spec.nodes().size(); i++) {
      LabNode node = spec.nodes().get(i);
      veth(transit, names.transitToNode(i), names.nodeNs(node), names.nodeUplink());
      for (LabHost pod : layout.podsOn(node)) {
        veth(
            names.nodeNs(node),
            names.nodeToPod(spec.indexOf(pod)),
            layout.hostNs(pod),
            names.hostEth());
      }
    }
    for (LabHost ext : layout.externalHosts()) {
      veth(
          transit, names.transitToExternal(spec.indexOf(ext)), layout.hostNs(ext), names.hostEth());
    }

    ipBatch(transit, transitCommands());
    for (int i = 0; i < spec.nodes().size(); i++) {
      LabNode node = spec.nodes().get(i);
      ipBatch(names.nodeNs(node), nodeCommands(node));
      List<String> perPod = new ArrayList<>();
      for (LabHost pod : layout.podsOn(node)) {
        String dev = names.nodeToPod(spec.indexOf(pod));
        perPod.add("net.ipv4.conf." + dev + ".proxy_arp=1");
        perPod.add("net.ipv4.neigh." + dev + ".proxy_delay=0");
      }
      if (!perPod.isEmpty()) {
        sysctl(names.nodeNs(node), perPod);
      }
    }
    for (LabHost h : spec.hosts()) {
      if (!h.hostNetwork()) {
        ipBatch(layout.hostNs(h), leafCommands(h));
      }
    }
  }

  private static List<String> baseSysctls(boolean router) {
    List<String> s =
        new ArrayList<>(
            List.of(
                "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
                "net.ipv6.conf.all.disable_ipv6=0", "net.ipv6.conf.default.disable_ipv6=0",
                "net.ipv4.icmp_ratelimit=0", "net.ipv6.icmp.ratelimit=0"));
    if (router) {
      s.addAll(
          List.of(
              "net.ipv4.ip_forward=1",
              "net.ipv6.conf.all.forwarding=1",
              "net.ipv6.conf.default.forwarding=1"));
    }
    return s;
  }

  private List<String> transitCommands() {
    List<String> c = new ArrayList<>();
    c.add("link set lo up");
    c.add("addr add " + GW4 + "/32 dev lo");
    for (int i = 0; i < spec.nodes().size(); i++) {
      LabNode node = spec.nodes().get(i);
      String dev = names.transitToNode(i);
      upWithGateway6(c, dev);
      c.add("route add " + node.transitIpv4() + "/32 dev " + dev);
      c.add("route add " + node.podCidrV4() + " via " + node.transitIpv4() + " dev " + dev);
      if (node.transitIpv6() != null) {
        c.add("route add " + node.transitIpv6() + "/128 dev " + dev);
        c.add("route add " + node.podCidrV6() + " via " + node.transitIpv6() + " dev " + dev);
      }
      for (LabHost pod : layout.podsOn(node)) {
        // pods whose IP lies outside the node's CIDR stay reachable too
        c.add("route add " + pod.ipv4() + "/32 via " + node.transitIpv4() + " dev " + dev);
        if (pod.ipv6() != null) {
          c.add("route add " + pod.ipv6() + "/128 via " + node.transitIpv6() + " dev " + dev);
        }
      }
    }
    for (LabHost ext : layout.externalHosts()) {
      String dev = names.transitToExternal(spec.indexOf(ext));
      upWithGateway6(c, dev);
      c.add("route add " + ext.ipv4() + "/32 dev " + dev);
      if (ext.ipv6() != null) {
        c.add("route add " + ext.ipv6() + "/128 dev " + dev);
      }
    }
    return c;
  }

  private List<String> nodeCommands(LabNode node) {
    List<String> c = new ArrayList<>();
    String up = names.nodeUplink();
    c.add("link set lo up");
    c.add("link set " + up + " up");
    c.add("addr add " + node.transitIpv4() + "/32 dev " + up);
    c.add("route add default via " + GW4 + " dev " + up + " onlink");
    c.add("route add unreachable " + node.podCidrV4());
    if (node.transitIpv6() != null) {
      c.add("addr add " + node.transitIpv6() + "/128 dev " + up + " nodad");
      c.add("route add ::/0 via " + GW6 + " dev " + up);
      c.add("route add unreachable " + node.podCidrV6());
    }
    for (LabNode other : spec.nodes()) {
      if (!other.equals(node)) {
        c.add("route add " + other.podCidrV4() + " via " + GW4 + " dev " + up + " onlink");
        if (other.podCidrV6() != null && node.transitIpv6() != null) {
          c.add("route add " + other.podCidrV6() + " via " + GW6 + " dev " + up);
        }
      }
    }
    for (LabHost pod : layout.podsOn(node)) {
      String dev = names.nodeToPod(spec.indexOf(pod));
      upWithGateway6(c, dev);
      c.add("route add " + pod.ipv4() + "/32 dev " + dev + " scope link src " + node.transitIpv4());
      if (pod.ipv6() != null) {
        c.add("route add " + pod.ipv6() + "/128 dev " + dev + " src " + node.transitIpv6());
      }
    }
    return c;
  }

  private List<String> leafCommands(LabHost h) {
    String eth = names.hostEth();
    List<String> c = new ArrayList<>();
    c.add("link set lo up");
    c.add("link set " + eth + " up");
    c.add("addr add " + h.ipv4() + "/32 dev " + eth);
    c.add("route add default via " + GW4 + " dev " + eth + " onlink");
    if (h.ipv6() != null) {
      c.add("addr add " + h.ipv6() + "/128 dev " + eth + " nodad");
      c.add("route add ::/0 via " + GW6 + " dev " + eth);
    }
    return c;
  }

  private static void upWithGateway6(List<String> c, String dev) {
    c.add("link set " + dev + " up");
    c.add("addr add " + GW6 + "/64 dev " + dev + " nodad");
  }

  private static void veth(String nsA, String devA, String nsB, String devB) {
    CommandRunner.onHost()
        .check(
            "ip", "link", "add", "name", devA, "netns", nsA, "type", "veth", "peer", "name", devB,
            "netns", nsB);
  }

  private static void ipBatch(String ns, List<String> commands) {
    CommandRunner.onHost()
        .check(List.of("ip", "-n", ns, "-batch", "-"), String.join("\n", commands) + "\n");
  }

  private static void sysctl(String ns, List<String> settings) {
    List<String> argv = new ArrayList<>(List.of("sysctl", "-q", "-w"));
    argv.addAll(settings);
    CommandRunner.inNetns(ns).check(argv, null);
  }
}
