package io.fenceline.it.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.applier.kernel.CommandRunner;
import io.fenceline.sandbox.*;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab itself: full connectivity, one hand-written payload, reset, cleanup (also after a crash).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class NetnsLabIT {

  private static final List<String> PROTOCOLS = List.of("TCP", "UDP");
  private static final List<Integer> PORTS = List.of(80, 81);
  private static final String PROTECTED = "x/a";
  private static final String NODE_HOST = "node-1/host";

  private final String prefix = randomPrefix("it");
  private NetnsLab lab;
  private List<Probe> allPairs;

  @BeforeAll
  void startLab() {
    RootRequirement.check();
    long t0 = System.nanoTime();
    lab =
        NetnsLab.start(
            new LabSpec(
                prefix,
                List.of(
                    new LabNode(
                        "node-1",
                        "10.99.0.11",
                        "fd00:99::11",
                        "10.244.1.0/24",
                        "fd00:10:244:1::/64"),
                    new LabNode(
                        "node-2",
                        "10.99.0.12",
                        "fd00:99::12",
                        "10.244.2.0/24",
                        "fd00:10:244:2::/64")),
                List.of(
                    LabHost.dualStackPod("x/a", "node-1", "10.244.1.10", "fd00:10:244:1::10"),
                    LabHost.pod("x/b", "node-1", "10.244.1.11"),
                    LabHost.dualStackPod("y/a", "node-2", "10.244.2.10", "fd00:10:244:2::10"),
                    LabHost.pod("y/b", "node-2", "10.244.2.11"),
                    LabHost.external("ext-a", "192.168.50.10", "fd00:50::10"),
                    LabHost.hostNetwork(NODE_HOST, "node-1"))));
    System.err.printf("netns lab %s started in %d ms%n", prefix, millisSince(t0));
    allPairs = ProbeMatrix.allPairs(lab, PROTOCOLS, PORTS);
  }

  @AfterAll
  void closeLab() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  @Order(1)
  void everyPairConnectsOnTcpAndUdp() {
    Map<Probe, ProbeResult> results = timedProbeAll("all pairs, no policy");

    assertThat(results).hasSize(6 * 5 * 4 + 4 * 3 * 4);
    assertThat(failures(results, p -> true)).isEmpty();
  }

  @Test
  @Order(2)
  void payloadRejectsExactlyTcp81ToOnePod(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("ipset.restore"),
        """
                create FNL-TEST-DST hash:ip family inet -exist
                add FNL-TEST-DST 10.244.1.10 -exist
                """);
    Files.writeString(
        dir.resolve("iptables.restore"),
        """
                *filter
                :FNL-TEST - [0:0]
                -I FORWARD 1 -j FNL-TEST
                -A FNL-TEST -p tcp -m set --match-set FNL-TEST-DST dst -m tcp --dport 81 -j REJECT --reject-with icmp-port-unreachable
                COMMIT
                """);
    Files.writeString(dir.resolve("ip6tables.restore"), "*filter\nCOMMIT\n");

    lab.applyPayload("node-1", dir);

    assertThat(lab.iptablesSave("node-1")).contains("-A FORWARD -j FNL-TEST");
    assertThat(lab.iptablesSave("node-2")).doesNotContain("FNL-");
    Map<Probe, ProbeResult> results = timedProbeAll("all pairs, payload in node-1");
    // Blocked: TCP/81 over IPv4 to x/a through node-1's FORWARD, i.e. from every host except node-1
    // itself (hostNetwork: OUTPUT, not FORWARD). Same-node (x/b), cross-node (y/*) and external
    // alike.
    Predicate<Probe> blocked =
        p ->
            p.toHost().equals(PROTECTED)
                && p.protocol().equals("TCP")
                && p.port() == 81
                && p.family() == 4
                && !p.fromHost().equals(NODE_HOST);
    assertThat(results.keySet().stream().filter(blocked).map(Probe::fromHost))
        .containsExactlyInAnyOrder("x/b", "y/a", "y/b", "ext-a");
    assertThat(failures(results, blocked.negate())).as("flows that must pass").isEmpty();
    results.forEach(
        (p, r) -> {
          if (blocked.test(p)) {
            assertThat(r.connected()).as(p + ": " + r.detail()).isFalse();
            assertThat(r.detail()).as(p + " fails fast (REJECT)").contains("Connection refused");
          }
        });
    // Replies of allowed flows: x/a's own TCP/81 connections get answers whose packets
    // (source port 81, destination x/a) cross FNL-TEST in node-1.
    assertThat(
            results.entrySet().stream()
                .filter(
                    e ->
                        e.getKey().fromHost().equals(PROTECTED)
                            && e.getKey().protocol().equals("TCP")
                            && e.getKey().port() == 81))
        .hasSize(5 + 3)
        .allSatisfy(e -> assertThat(e.getValue().connected()).isTrue());
  }

  @Test
  @Order(3)
  void resetNodeRestoresFullConnectivity() {
    lab.resetNode("node-1");

    assertThat(lab.iptablesSave("node-1")).doesNotContain("FNL-");
    assertThat(lab.ipsetSave("node-1")).doesNotContain("FNL-");
    assertThat(lab.iptablesSave("node-1")).contains(":FORWARD ACCEPT");
    assertThat(failures(timedProbeAll("all pairs, after reset"), p -> true)).isEmpty();
  }

  /** SYN counters in both nodes: which built-in chains each kind of flow crosses. */
  @Test
  @Order(4)
  void flowsCrossTheChainsOfARoutedCluster(@TempDir Path dir) throws Exception {
    Map<String, List<String>> flows = new LinkedHashMap<>();
    flows.put("xb-yb", List.of("x/b", "y/b", "10.244.1.11", "10.244.2.11")); // cross-node
    flows.put("xb-xa", List.of("x/b", "x/a", "10.244.1.11", "10.244.1.10")); // same node
    flows.put("host-yb", List.of(NODE_HOST, "y/b", "10.99.0.11", "10.244.2.11"));
    flows.put("yb-host", List.of("y/b", NODE_HOST, "10.244.2.11", "10.99.0.11"));
    flows.put("ext-xa", List.of("ext-a", "x/a", "192.168.50.10", "10.244.1.10"));
    StringBuilder rules = new StringBuilder("*filter\n");
    for (String chain : List.of("INPUT", "FORWARD", "OUTPUT")) {
      rules
          .append(":FNL-PATH-")
          .append(chain)
          .append(" - [0:0]\n")
          .append("-I ")
          .append(chain)
          .append(" 1 -j FNL-PATH-")
          .append(chain)
          .append('\n');
      flows.forEach(
          (name, f) ->
              rules
                  .append("-A FNL-PATH-")
                  .append(chain)
                  .append(" -s ")
                  .append(f.get(2))
                  .append("/32 -d ")
                  .append(f.get(3))
                  .append("/32 -p tcp -m tcp --dport 80 --syn -m comment --comment ")
                  .append(name)
                  .append('\n'));
    }
    Files.writeString(dir.resolve("iptables.restore"), rules.append("COMMIT\n"));
    lab.applyPayload("node-1", dir);
    lab.applyPayload("node-2", dir);

    flows
        .values()
        .forEach(
            f ->
                assertThat(lab.probe(new Probe(f.get(0), f.get(1), "TCP", 80, 4)).connected())
                    .isTrue());

    Map<String, Long> crossed = new TreeMap<>();
    for (String node : List.of("node-1", "node-2")) {
      String saved =
          CommandRunner.inNetns(lab.nodeNamespace(node))
              .check("iptables-save", "-c", "-t", "filter");
      Matcher m =
          Pattern.compile("(?m)^\\[(\\d+):\\d+\\] -A FNL-PATH-(\\w+) .*--comment (\\S+)")
              .matcher(saved);
      while (m.find()) {
        if (Long.parseLong(m.group(1)) > 0) {
          crossed.put(m.group(3) + " " + node + " " + m.group(2), Long.parseLong(m.group(1)));
        }
      }
    }
    assertThat(crossed)
        .containsOnlyKeys(
            "xb-yb node-1 FORWARD",
            "xb-yb node-2 FORWARD",
            "xb-xa node-1 FORWARD",
            "host-yb node-1 OUTPUT",
            "host-yb node-2 FORWARD",
            "yb-host node-2 FORWARD",
            "yb-host node-1 INPUT",
            "ext-xa node-1 FORWARD");

    lab.resetNode("node-1");
    lab.resetNode("node-2");
    assertThat(lab.iptablesSave("node-1") + lab.iptablesSave("node-2")).doesNotContain("FNL-");
  }

  @Test
  @Order(5)
  void closeLeavesNoNamespace() {
    assertThat(LabJanitor.namespacesOf(prefix)).hasSize(1 + 2 + 5);

    lab.close();
    lab.close();

    assertThat(LabJanitor.allNamespaces()).noneMatch(ns -> ns.startsWith("fl-" + prefix + "-"));
    assertThat(LabJanitor.MARKER_DIR.resolve(prefix + ".owner")).doesNotExist();
  }

  @Test
  @Order(6)
  void leftoversOfACrashedRunAreRemovedAtNextStart() throws Exception {
    String crashed = randomPrefix("cr");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath =
        System.getProperty("fenceline.agent.classpath", System.getProperty("java.class.path"));
    Process child =
        new ProcessBuilder(java, "-cp", classpath, CrashingLabMain.class.getName(), crashed)
            .redirectErrorStream(true)
            .start();
    String output;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      output = String.join("\n", r.lines().toList());
    }
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output).isEqualTo(137);
    assertThat(LabJanitor.namespacesOf(crashed)).as("left behind by the crash").hasSize(3);
    assertThat(agentsExitWithinSeconds(LabJanitor.namespacesOf(crashed), 10))
        .as("agents exit when their stdin (the crashed JVM) goes away")
        .isTrue();

    String next = randomPrefix("nx");
    try (NetnsLab small =
        NetnsLab.start(
            new LabSpec(
                next,
                List.of(new LabNode("node-1", "10.97.0.11", null, "10.246.1.0/24", null)),
                List.of(
                    LabHost.pod("n/a", "node-1", "10.246.1.10"),
                    LabHost.pod("n/b", "node-1", "10.246.1.11"))))) {
      assertThat(LabJanitor.namespacesOf(crashed)).isEmpty();
      assertThat(LabJanitor.MARKER_DIR.resolve(crashed + ".owner")).doesNotExist();
      assertThat(small.probe(new Probe("n/a", "n/b", "TCP", 80, 4)).connected()).isTrue();
    }
    assertThat(LabJanitor.namespacesOf(next)).isEmpty();
  }

  private static boolean agentsExitWithinSeconds(List<String> namespaces, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (namespaces.stream()
          .allMatch(ns -> CommandRunner.onHost().check("ip", "netns", "pids", ns).isBlank())) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  private Map<Probe, ProbeResult> timedProbeAll(String what) {
    long t0 = System.nanoTime();
    Map<Probe, ProbeResult> results = lab.probeAll(allPairs);
    System.err.printf("probeAll (%s): %d probes in %d ms%n", what, results.size(), millisSince(t0));
    return results;
  }

  private static List<String> failures(
      Map<Probe, ProbeResult> results, Predicate<Probe> mustConnect) {
    List<String> failures = new ArrayList<>();
    results.forEach(
        (p, r) -> {
          if (mustConnect.test(p) && !r.connected()) {
            failures.add(p + ": " + r.detail());
          }
        });
    return failures;
  }

  private static String randomPrefix(String head) {
    return head + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
