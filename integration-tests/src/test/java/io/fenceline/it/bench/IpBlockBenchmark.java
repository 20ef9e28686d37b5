package io.fenceline.it.bench;

import io.fenceline.applier.kernel.CommandRunner;
import io.fenceline.applier.kernel.ProcessNetfilter;
import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.render.NodeRenderer;
import io.fenceline.core.render.RenderedNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a policy of many ipBlocks costs the kernel, in the two shapes the compiler can produce for
 * the same allowed addresses (a main, not a test). {@code merged}: one rule listing N blocks, which
 * fenceline compiles to one {@code hash:net} set and one rule per port. {@code one-per-rule}: the
 * same N blocks as N rules of one block each, which still costs one set and one rule per block (and
 * is what every ipBlock cost before rules shared a set). Root, real kernel, fresh network
 * namespaces {@code flbench-*}.
 *
 * <ul>
 *   <li>load: {@code ipset restore} and {@code iptables-restore} of the full payload as the applier
 *       runs them, against the floor of an empty restore measured in the same run;
 *   <li>rule walk: new UDP flows (a fresh source port each, so every packet is NEW to conntrack and
 *       walks the policy chain) from an allowed address in a source namespace, routed through the
 *       node namespace to the selected pod's address in a destination namespace: received packets
 *       per second, against the same path with no payload loaded.
 * </ul>
 *
 * <p>Arguments: {@code [--blocks N]} (default 10,000), {@code [--packets N]} (default 3,000),
 * {@code [--runs N]} (default 3).
 */
public final class IpBlockBenchmark {
  private IpBlockBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    int blocks = 10_000;
    int packets = 3_000;
    int runs = 3;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--blocks" -> blocks = Integer.parseInt(args[++i]);
        case "--packets" -> packets = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(ApplierBenchmark::cleanUp, "flbench-cleanup"));
    try {
      System.out.println("loadavg before: " + ApplierBenchmark.load());
      double[] floor = floor(runs);
      System.out.printf(
          Locale.ROOT,
          "floor (empty restores, median of %d): ipset %.1f ms, iptables %.1f ms%n",
          runs,
          floor[0],
          floor[1]);
      String allowed = address(Math.min(blocks, 5_000) - 1); // a block of every shape run below
      double ceiling = walk(null, allowed, packets, runs);
      System.out.printf(Locale.ROOT, "rule-walk ceiling (no payload): %.0f new flows/s%n", ceiling);
      // One rule per block is bounded by the size of one chain fact (about 6,000 such rules at
      // these
      // name lengths; beyond, the policy fails closed), so that shape is compared at half the size.
      int half = Math.min(blocks, 5_000);
      for (int[] shapeAndSize : new int[][] {{1, blocks}, {1, half}, {0, half}}) {
        boolean merged = shapeAndSize[0] == 1;
        int n = shapeAndSize[1];
        RenderedNode node = node(n, merged);
        String shape = merged ? "merged" : "one-per-rule";
        System.out.printf(
            Locale.ROOT,
            "%n== %s: %d blocks -> %d sets, %d members, %d IPv4 rules ==%n",
            shape,
            n,
            node.sets().size(),
            node.sets().stream().mapToInt(s -> s.members().size()).sum(),
            node.ruleCount(4));
        double[] ipset = new double[runs];
        double[] iptables = new double[runs];
        for (int r = 0; r < runs; r++) {
          String ns = ApplierBenchmark.netns("ipblocks");
          try {
            ProcessNetfilter nf = ApplierBenchmark.netfilter(ns);
            double[] t = ApplierBenchmark.applyFull(nf, node);
            ApplierBenchmark.verify(nf, node);
            ipset[r] = t[2] + t[5];
            iptables[r] = t[3] + t[4];
          } finally {
            ApplierBenchmark.deleteNetns(ns);
          }
        }
        double ip = median(ipset);
        double it = median(iptables);
        System.out.printf(
            Locale.ROOT,
            "load (median of %d): ipset restore %.1f ms (%.1fx the floor), iptables-restore"
                + " %.1f ms (%.1fx the floor)%n",
            runs,
            ip,
            ip / floor[0],
            it,
            it / floor[1]);
        double rate = walk(node, allowed, packets, runs);
        System.out.printf(
            Locale.ROOT,
            "rule walk: %.0f new flows/s (%.3f of the ceiling; %.1f us per flow more)%n",
            rate,
            rate / ceiling,
            1e6 / rate - 1e6 / ceiling);
      }
      System.out.println("\nloadavg after: " + ApplierBenchmark.load());
    } finally {
      ApplierBenchmark.cleanUp();
    }
  }

  /** The node's structure for a pod selected by a policy of {@code blocks} /32 ipBlocks. */
  static RenderedNode node(int blocks, boolean merged) throws Exception {
    StringBuilder y =
        new StringBuilder(
            """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web-0, namespace: shop, labels: {app: web}}
        spec: {nodeName: node-1}
        status: {phase: Running, podIP: 10.244.1.10}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: blocks, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress:
        """);
    if (merged) {
      y.append("  - from:\n");
      for (int i = 0; i < blocks; i++) {
        y.append("    - ipBlock: {cidr: ").append(address(i)).append("/32}\n");
      }
    } else {
      for (int i = 0; i < blocks; i++) {
        y.append("  - from: [{ipBlock: {cidr: ").append(address(i)).append("/32}}]\n");
      }
    }
    DecodedObjects d = Manifests.decode(ManifestParser.parse("blocks.yaml", y.toString()));
    if (!d.problems().isEmpty()) {
      throw new IllegalStateException(d.problems().toString());
    }
    return NodeRenderer.structure(
        CompiledCluster.fromScratch(Manifests.asUpserts(d)).nodeModel("node-1"));
  }

  /**
   * Block {@code i}: every other address of 172.16.0.0/14, so no two blocks merge into a wider
   * prefix.
   */
  static String address(int i) {
    int a = 2 * i;
    return "172." + (16 + a / 65_536) + "." + (a / 256 % 256) + "." + (a % 256);
  }

  private static double[] floor(int runs) {
    double[] ipset = new double[runs];
    double[] iptables = new double[runs];
    for (int r = 0; r < runs; r++) {
      String ns = ApplierBenchmark.netns("floor");
      try {
        ProcessNetfilter nf = ApplierBenchmark.netfilter(ns);
        CommandRunner runner = new CommandRunner(ns, 60);
        long t = System.nanoTime();
        runner.check(List.of("ipset", "restore"), ""); // the process and its netns, no work
        ipset[r] = (System.nanoTime() - t) / 1e6;
        t = System.nanoTime();
        nf.filterRestore(4, "*filter\nCOMMIT\n");
        iptables[r] = (System.nanoTime() - t) / 1e6;
      } finally {
        ApplierBenchmark.deleteNetns(ns);
      }
    }
    return new double[] {median(ipset), median(iptables)};
  }

  /**
   * New UDP flows per second from {@code src} through a node namespace holding {@code node}'s
   * payload (none: null) to the pod's address; the median of {@code runs}.
   */
  private static double walk(RenderedNode node, String src, int packets, int runs)
      throws Exception {
    String n = ApplierBenchmark.netns("walk-node");
    String s = ApplierBenchmark.netns("walk-src");
    String d = ApplierBenchmark.netns("walk-dst");
    try {
      sh("ip link add fls type veth peer name fls-peer", null);
      sh("ip link set fls netns " + n + " && ip link set fls-peer netns " + s, null);
      sh("ip link add fld type veth peer name fld-peer", null);
      sh("ip link set fld netns " + n + " && ip link set fld-peer netns " + d, null);
      // Link-local addresses on the node's side of each veth, only so that ARP has a source.
      sh(
          "ip link set lo up && ip link set fls up && ip link set fld up && ip addr add 169.254.1.1/32 dev fls"
              + " && ip addr add 169.254.2.1/32 dev fld && ip route add "
              + src
              + "/32 dev fls"
              + " && ip route add 10.244.1.10/32 dev fld && sysctl -qw net.ipv4.ip_forward=1"
              + " && sysctl -qw net.ipv4.conf.all.rp_filter=0 && sysctl -qw net.ipv4.conf.default.rp_filter=0",
          n);
      sh(
          "ip link set lo up && ip link set fls-peer up && ip addr add "
              + src
              + "/32 dev fls-peer"
              + " && ip route add 169.254.1.1/32 dev fls-peer && ip route add default via 169.254.1.1 dev fls-peer",
          s);
      sh(
          "ip link set lo up && ip link set fld-peer up && ip addr add 10.244.1.10/32 dev fld-peer"
              + " && ip route add 169.254.2.1/32 dev fld-peer && ip route add default via 169.254.2.1 dev fld-peer",
          d);
      if (node != null) {
        ProcessNetfilter nf = ApplierBenchmark.netfilter(n);
        ApplierBenchmark.applyFull(nf, node);
      }
      double[] rates = new double[runs];
      for (int r = 0; r < runs; r++) {
        sh("conntrack -F 2>/dev/null || true", n);
        rates[r] = flows(s, d, src, packets, 20_000 + r * packets);
      }
      return median(rates);
    } finally {
      ApplierBenchmark.deleteNetns(s);
      ApplierBenchmark.deleteNetns(d);
      ApplierBenchmark.deleteNetns(n);
    }
  }

  private static final String RECEIVER =
      """
      import socket, sys, time
      n = int(sys.argv[1])
      r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
      r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
      r.bind(('10.244.1.10', 9999))
      print('ready', flush=True)
      r.settimeout(5)
      got, first, last = 0, None, None
      try:
          while got < n:
              r.recv(64)
              now = time.monotonic()
              first = first if first is not None else now
              last = now
              got += 1
      except socket.timeout:
          pass
      print(got, first or 0, last or 0, flush=True)
      """;

  private static final String SENDER =
      """
      import socket, sys
      src, n, base = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
      for i in range(n):
          s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
          s.bind((src, base + i))
          s.sendto(b'x', ('10.244.1.10', 9999))
          s.close()
      """;

  /** Received packets per second between the first and the last one. */
  private static double flows(String src, String dst, String srcIp, int packets, int basePort)
      throws Exception {
    Path dir = Files.createTempDirectory("flbench-walk");
    Path receiver = Files.writeString(dir.resolve("receiver.py"), RECEIVER);
    Path sender = Files.writeString(dir.resolve("sender.py"), SENDER);
    Process rx =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                dst,
                "python3",
                receiver.toString(),
                Integer.toString(packets))
            .redirectErrorStream(true)
            .start();
    try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(rx.getInputStream()))) {
      String ready = out.readLine();
      if (!"ready".equals(ready)) {
        throw new IllegalStateException("receiver did not start: " + ready);
      }
      sh("python3 " + sender + " " + srcIp + " " + packets + " " + basePort, src);
      String[] r = out.readLine().trim().split(" ");
      rx.waitFor();
      int got = Integer.parseInt(r[0]);
      double seconds = Double.parseDouble(r[2]) - Double.parseDouble(r[1]);
      if (got < packets * 9 / 10 || seconds <= 0) {
        throw new IllegalStateException("only " + got + " of " + packets + " packets arrived");
      }
      return (got - 1) / seconds;
    } finally {
      rx.destroyForcibly();
    }
  }

  private static void sh(String script, String ns) {
    List<String> cmd = new ArrayList<>();
    if (ns != null) {
      cmd.addAll(List.of("ip", "netns", "exec", ns));
    }
    cmd.addAll(List.of("sh", "-c", script));
    ApplierBenchmark.exec(cmd, null);
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }
}
