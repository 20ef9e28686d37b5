package io.fenceline.it.forensics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fenceline.broker.EmbeddedKafka;
import io.fenceline.cli.Main;
import io.fenceline.it.containers.ContainerImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fenceline whatif} on a real broker: the examples published as a cluster's state, then
 * proposals checked against it: deleting the seed policy opens the database (exit 1, each change
 * with its groups, ports and the policy deciding before), re-applying the policy as it is changes
 * nothing (exit 0), and bad proposals are exit 2 with the reason.
 */
class WhatifIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  private static Run fenceline(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc =
        Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(rc, out.toString(), err.toString());
  }

  @Test
  void proposalsAreCheckedAgainstTheRecordedState() throws Exception {
    Path examples = ContainerImages.repoDir().resolve("examples");
    Path state = dir.resolve("state");
    Files.createDirectories(state);
    for (String f : new String[] {"cluster.yaml", "seed-policy.yaml"}) {
      Files.copy(examples.resolve(f), state.resolve(f));
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
      String b = kafka.bootstrapServers();
      Run ingest =
          fenceline(
              "ingest",
              "--manifests",
              state.toString(),
              "--cluster",
              "shop",
              "--bootstrap-servers",
              b);
      assertThat(ingest.exit()).as(ingest.err()).isZero();
      String[] common = {
        "--cluster",
        "shop",
        "--bootstrap-servers",
        b,
        "--snapshots",
        dir.resolve("snapshots").toString()
      };

      Run delete =
          fenceline(
              concat(
                  new String[] {
                    "whatif", "--delete", "NetworkPolicy/default/test-network-policy", "-o", "json"
                  },
                  common));
      assertThat(delete.exit()).as(delete.out() + delete.err()).isEqualTo(1);
      JsonNode j = JSON.readTree(delete.out());
      assertThat(j.get("changed").asBoolean()).isTrue();
      assertThat(j.get("changes")).isNotEmpty();
      // The frontend could reach the database on 6379 only; without the policy every port opens.
      assertThat(j.get("changes"))
          .anySatisfy(
              c -> {
                assertThat(c.get("before").asBoolean()).isFalse();
                assertThat(c.get("after").asBoolean()).isTrue();
                assertThat(c.at("/destination/examples/0").asText()).isEqualTo("default/db-0");
                assertThat(c.get("beforeWhy").asText()).contains("default/test-network-policy");
              });
      assertThat(j.get("changes"))
          .allSatisfy(c -> assertThat(c.get("after").asBoolean()).as("%s", c).isTrue());

      Run table =
          fenceline(
              concat(
                  new String[] {"whatif", "--delete", "NetworkPolicy/default/test-network-policy"},
                  common));
      assertThat(table.exit()).isEqualTo(1);
      assertThat(table.out())
          .contains("DENIED -> allowed", "before: ", "default/test-network-policy");

      Run same =
          fenceline(
              concat(
                  new String[] {
                    "whatif", "--manifests", examples.resolve("seed-policy.yaml").toString()
                  },
                  common));
      assertThat(same.exit()).as(same.out() + same.err()).isZero();
      assertThat(same.out()).startsWith("0 changes against the state at ");

      Run unknownKind =
          fenceline(concat(new String[] {"whatif", "--delete", "Service/default/x"}, common));
      assertThat(unknownKind.exit()).isEqualTo(2);
      assertThat(unknownKind.err()).contains("unknown kind 'Service'");
      Run missing =
          fenceline(
              concat(new String[] {"whatif", "--delete", "NetworkPolicy/default/nope"}, common));
      assertThat(missing.exit()).isEqualTo(2);
      assertThat(missing.err())
          .contains("NetworkPolicy/default/nope: no such object in cluster shop");
      Path bad = dir.resolve("bad.yaml");
      Files.writeString(
          bad,
          "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x, namespace: default}\n"
              + "spec: {podSelector: {matchLabels: {a: [1]}}}\n");
      Run invalid =
          fenceline(concat(new String[] {"whatif", "--manifests", bad.toString()}, common));
      assertThat(invalid.exit()).isEqualTo(2);
      assertThat(invalid.err()).contains("bad.yaml:", "has invalid objects");
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
