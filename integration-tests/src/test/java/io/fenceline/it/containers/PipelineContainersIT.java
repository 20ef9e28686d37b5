package io.fenceline.it.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Capability;
import io.fenceline.cli.io.PayloadWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The whole pipeline as containers on one Docker network: Kafka ({@code KafkaContainer}), and the
 * fenceline image as engine, ingest (the manifests copied in) and one applier per node. Each node's
 * dry-run applier must write exactly what {@code fenceline compile} writes for the same manifests;
 * a second applier for node-1 runs in host mode (its own container network namespace, only
 * NET_ADMIN and NET_RAW, as in the DaemonSet) and its kernel state ({@code iptables-save}, {@code
 * ipset save}) must match the compiled payload. Then the policy is deleted (a second ingest
 * generation) and everything must follow. Finally {@code fenceline status} in a container reports
 * every node current.
 */
class PipelineContainersIT {
  static final String BOOTSTRAP = "kafka:19092";
  static final Duration CONVERGE = Duration.ofSeconds(90);

  @TempDir Path dir;

  @BeforeAll
  static void requirements() {
    DockerRequirement.check();
  }

  @Test
  void containersEnforceWhatCompileComputes() throws Exception {
    Path examples = ContainerImages.repoDir().resolve("examples");
    Path step1 = dir.resolve("step1");
    Payloads.copyTree(examples, step1);
    Path step2 = dir.resolve("step2");
    Files.createDirectories(step2);
    Files.copy(
        examples.resolve("cluster.yaml"), step2.resolve("cluster.yaml")); // the policy deleted
    Map<String, Path> expected1 = Payloads.compile(step1, dir.resolve("compiled-1"));
    Map<String, Path> expected2 = Payloads.compile(step2, dir.resolve("compiled-2"));
    assertThat(expected1.keySet()).as("nodes of the examples").containsExactly("node-1", "node-2");

    long t0 = System.nanoTime();
    List<GenericContainer<?>> fenceline = new ArrayList<>();
    try (Network net = Network.newNetwork();
        KafkaContainer kafka =
            new KafkaContainer(
                    DockerImageName.parse(ContainerImages.kafka())
                        .asCompatibleSubstituteFor("apache/kafka"))
                .withNetwork(net)
                .withNetworkAliases("kafka")
                .withListener(BOOTSTRAP)) {
      kafka.start();
      long tKafka = System.nanoTime();

      GenericContainer<?> engine =
          fencelineContainer(net, fenceline)
              .withCommand(
                  "engine", "--bootstrap-servers", BOOTSTRAP, "--state-dir", "/tmp/engine-state")
              .waitingFor(
                  Wait.forLogMessage(".*fenceline engine running against.*", 1)
                      .withStartupTimeout(Duration.ofSeconds(120)));
      engine.start();

      Map<String, GenericContainer<?>> dryRun = new LinkedHashMap<>();
      for (String node : expected1.keySet()) {
        GenericContainer<?> a =
            fencelineContainer(net, fenceline)
                .withCommand(
                    "applier",
                    "--node",
                    node,
                    "--cluster",
                    "default",
                    "--bootstrap-servers",
                    BOOTSTRAP,
                    "--dry-run",
                    "/out");
        a.start();
        dryRun.put(node, a);
      }
      GenericContainer<?> host =
          fencelineContainer(net, fenceline)
              .withCreateContainerCmdModifier(
                  c ->
                      c.getHostConfig()
                          .withCapDrop(Capability.ALL)
                          .withCapAdd(Capability.NET_ADMIN, Capability.NET_RAW))
              .withCommand(
                  "applier",
                  "--node",
                  "node-1",
                  "--cluster",
                  "default",
                  "--bootstrap-servers",
                  BOOTSTRAP,
                  "--drift-interval",
                  "5");
      host.start();
      long tServices = System.nanoTime();

      try {
        ingest(net, fenceline, step1);
        long tIngest = System.nanoTime();
        awaitPayloads(dryRun, expected1, "step 1 (examples/)");
        awaitKernel(host, expected1.get("node-1"), "step 1 (examples/)");
        long tStep1 = System.nanoTime();

        ingest(net, fenceline, step2);
        awaitPayloads(dryRun, expected2, "step 2 (policy deleted)");
        awaitKernel(host, expected2.get("node-1"), "step 2 (policy deleted)");
        long tStep2 = System.nanoTime();

        GenericContainer<?> status =
            fencelineContainer(net, fenceline)
                .withCommand("status", "--bootstrap-servers", BOOTSTRAP)
                .withStartupCheckStrategy(
                    new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(60)));
        status.start(); // fails unless exit 0: every node current
        String table = status.getLogs();
        assertThat(table).contains("node-1", "node-2");

        System.err.printf(
            "[containers] kafka %.1f s, engine+appliers %.1f s, ingest %.1f s, step 1 converged "
                + "%.1f s, step 2 converged %.1f s, total %.1f s%n",
            secs(t0, tKafka),
            secs(tKafka, tServices),
            secs(tServices, tIngest),
            secs(tIngest, tStep1),
            secs(tStep1, tStep2),
            secs(t0, System.nanoTime()));
      } catch (AssertionError | RuntimeException e) {
        dumpLogs(fenceline);
        throw e;
      } finally {
        for (int i = fenceline.size() - 1; i >= 0; i--) {
          fenceline.get(i).stop();
        }
      }
    }
  }

  private static GenericContainer<?> fencelineContainer(
      Network net, List<GenericContainer<?>> all) {
    GenericContainer<?> c =
        new GenericContainer<>(DockerImageName.parse(ContainerImages.fenceline()))
            .withNetwork(net)
            .withStartupTimeout(Duration.ofSeconds(120));
    all.add(c);
    return c;
  }

  /**
   * One-shot file ingest of a folder as cluster default: must exit 0 once the broker acknowledged.
   */
  private static void ingest(Network net, List<GenericContainer<?>> all, Path manifests) {
    GenericContainer<?> ingest =
        fencelineContainer(net, all)
            .withCopyFileToContainer(MountableFile.forHostPath(manifests), "/manifests")
            .withCommand(
                "ingest",
                "--manifests",
                "/manifests",
                "--cluster",
                "default",
                "--bootstrap-servers",
                BOOTSTRAP)
            .withStartupCheckStrategy(
                new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(120)));
    ingest.start();
  }

  private void awaitPayloads(
      Map<String, GenericContainer<?>> appliers, Map<String, Path> expected, String step)
      throws Exception {
    Path copies = Files.createTempDirectory(dir, "dry-");
    await(
        step + ": dry-run payloads equal compile",
        () -> {
          for (Map.Entry<String, Path> e : expected.entrySet()) {
            String node = e.getKey();
            Path local = copies.resolve(node);
            try {
              Files.createDirectories(local);
              for (String f : PayloadWriter.FILES) {
                Files.deleteIfExists(local.resolve(f));
                appliers
                    .get(node)
                    .copyFileFromContainer(
                        "/out/" + node + "/" + f, in -> Files.copy(in, local.resolve(f)));
              }
            } catch (Exception ex) {
              return Optional.of(node + ": payload not readable yet (" + ex.getMessage() + ")");
            }
            Optional<String> diff = Payloads.difference(node, local, e.getValue());
            if (diff.isPresent()) {
              return diff;
            }
          }
          return Optional.empty();
        });
  }

  /**
   * The host-mode applier's kernel (its container's network namespace) holds exactly the compiled
   * rules.
   */
  private static void awaitKernel(GenericContainer<?> host, Path expected, String step)
      throws Exception {
    String ipsetRestore = Files.readString(expected.resolve("ipset.restore"));
    Map<String, Integer> chains4 =
        Payloads.fnlChainRuleCounts(Files.readString(expected.resolve("iptables.restore")));
    Map<String, Integer> chains6 =
        Payloads.fnlChainRuleCounts(Files.readString(expected.resolve("ip6tables.restore")));
    var members = Payloads.expectedSetMembers(expected.resolve("ipset.restore"));
    var sets = Payloads.expectedSets(expected.resolve("ipset.restore"));
    assertThat(ipsetRestore).isNotNull();
    await(
        step + ": node-1 kernel state (host-mode applier) equals compile",
        () -> {
          try {
            for (String family : List.of("iptables", "ip6tables")) {
              String save = save(host, family);
              Map<String, Integer> want = family.equals("iptables") ? chains4 : chains6;
              Map<String, Integer> have = Payloads.fnlChainRuleCounts(save);
              if (!have.equals(want)) {
                return Optional.of(
                    family
                        + " FNL chains (rules per chain) "
                        + have
                        + ", compile has "
                        + want
                        + "\n"
                        + save);
              }
              List<String> jumps =
                  Payloads.forwardRules(save).stream()
                      .filter(r -> r.endsWith("-j FNL-FORWARD"))
                      .toList();
              List<String> forward = Payloads.forwardRules(save);
              if (jumps.size() != 1 || !forward.get(0).endsWith("-j FNL-FORWARD")) {
                return Optional.of(
                    family
                        + ": the FNL-FORWARD jump is not exactly once at position 1 of FORWARD: "
                        + forward);
              }
            }
            ExecResult ipsetSave = host.execInContainer("ipset", "save");
            if (ipsetSave.getExitCode() != 0) {
              return Optional.of("ipset save failed: " + ipsetSave.getStderr());
            }
            var haveMembers = Payloads.savedSetMembers(ipsetSave.getStdout());
            if (!haveMembers.equals(members)) {
              return Optional.of("ipset members " + haveMembers + ", compile has " + members);
            }
            var haveSets = new java.util.TreeSet<String>();
            ipsetSave
                .getStdout()
                .lines()
                .filter(l -> l.startsWith("create FNL-"))
                .forEach(l -> haveSets.add(l.split("\\s+")[1]));
            if (!haveSets.equals(sets)) {
              return Optional.of("ipsets " + haveSets + ", compile has " + sets);
            }
            return Optional.empty();
          } catch (IOException | InterruptedException e) {
            return Optional.of("exec failed: " + e);
          }
        });
  }

  /**
   * iptables-save (or ip6tables-save) of the filter table, with the backend that holds fenceline's
   * chains.
   */
  private static String save(GenericContainer<?> c, String family)
      throws IOException, InterruptedException {
    String fallback = "";
    for (String backend : List.of("nft", "legacy")) {
      ExecResult r = c.execInContainer(family + "-" + backend + "-save", "-t", "filter");
      if (r.getExitCode() == 0 && r.getStdout().contains(":FNL-")) {
        return r.getStdout();
      }
      if (r.getExitCode() == 0 && fallback.isEmpty()) {
        fallback = r.getStdout();
      }
    }
    return fallback;
  }

  private static void await(String what, Supplier<Optional<String>> problem)
      throws InterruptedException {
    long deadline = System.nanoTime() + CONVERGE.toNanos();
    Optional<String> last = problem.get();
    while (last.isPresent()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            what + ": not within " + CONVERGE.toSeconds() + " s; last difference: " + last.get());
      }
      Thread.sleep(300);
      last = problem.get();
    }
  }

  private static void dumpLogs(List<GenericContainer<?>> containers) {
    for (GenericContainer<?> c : containers) {
      try {
        List<String> lines = c.getLogs().lines().toList();
        System.err.println(
            "==== logs of " + String.join(" ", c.getCommandParts()) + " (last 60 lines)");
        lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.err::println);
      } catch (RuntimeException e) {
        System.err.println(
            "==== no logs of " + String.join(" ", c.getCommandParts()) + ": " + e.getMessage());
      }
    }
  }

  private static double secs(long from, long to) {
    return (to - from) / 1e9;
  }
}
