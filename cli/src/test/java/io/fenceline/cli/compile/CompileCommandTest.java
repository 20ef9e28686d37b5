package io.fenceline.cli.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompileCommandTest {
  @TempDir Path tmp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.commandLine()
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err))
        .execute(args);
  }

  private static final String POD =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: a, namespace: default, labels: {app: a}}
      spec: {nodeName: node-1}
      status: {phase: Running, podIP: 10.0.0.1}
      """;

  @Test
  void compilesTheExamplesIntoOneFolderPerNode() throws Exception {
    Path examples = Path.of(System.getProperty("user.dir")).resolve("../examples").normalize();
    int rc =
        run("compile", "--manifests", examples.toString(), "--out", tmp.resolve("out").toString());
    assertThat(rc).as(err.toString()).isZero();
    for (String node : new String[] {"node-1", "node-2"}) {
      for (String f : new String[] {"ipset.restore", "iptables.restore", "ip6tables.restore"}) {
        assertThat(tmp.resolve("out").resolve(node).resolve(f)).isRegularFile();
      }
    }
    assertThat(Files.readString(tmp.resolve("out/node-1/iptables.restore")))
        .contains("default/db-0 ingress")
        .contains("--dport 6379")
        .contains("-I FORWARD 1 ");
    assertThat(out.toString()).contains("node-1").contains("ISOLATED");
  }

  @Test
  void aManifestThatDoesNotParseExits2AndLeavesOutUntouched() throws Exception {
    Path m = tmp.resolve("bad.yaml");
    Files.writeString(m, POD + "---\nkind: Pod\nmetadata: {name: [\n");
    Path outDir = Files.createDirectories(tmp.resolve("out/node-9"));
    Files.writeString(outDir.resolve("iptables.restore"), "previous");
    int rc = run("compile", "--manifests", m.toString(), "--out", tmp.resolve("out").toString());
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString()).startsWith(m + ":");
    assertThat(Files.readString(outDir.resolve("iptables.restore"))).isEqualTo("previous");
  }

  @Test
  void aMissingPathExits2() {
    int rc =
        run(
            "compile",
            "--manifests",
            tmp.resolve("nope").toString(),
            "--out",
            tmp.resolve("out").toString());
    assertThat(rc).isEqualTo(2);
    assertThat(err.toString()).contains("nope: no such file or directory");
  }

  @Test
  void invalidObjectsAreReportedAndFailOnlyWithStrict() throws Exception {
    Path m = tmp.resolve("m.yaml");
    Files.writeString(
        m,
        POD
            + """
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: p, namespace: default}
        spec:
          podSelector: {}
          ingress: [{ports: [{port: 70000}]}]
        """);
    assertThat(run("compile", "--manifests", m.toString(), "--out", tmp.resolve("o1").toString()))
        .isZero();
    assertThat(err.toString())
        .contains(
            m
                + ":7 NetworkPolicy default/p spec.ingress[0].ports[0].port: must be a number between 1 and 65535");
    assertThat(
            run(
                "compile",
                "--strict",
                "--manifests",
                m.toString(),
                "--out",
                tmp.resolve("o2").toString()))
        .isEqualTo(1);
    // Fail closed: the pod is isolated with no allows.
    assertThat(Files.readString(tmp.resolve("o1/node-1/iptables.restore")))
        .contains("-d 10.0.0.1/32");
  }

  @Test
  void staleNodeFoldersAreRemovedAndOtherFilesKept() throws Exception {
    Path m = tmp.resolve("m.yaml");
    Files.writeString(m, POD);
    Path outDir = tmp.resolve("out");
    Files.createDirectories(outDir.resolve("gone-node"));
    Files.writeString(outDir.resolve("gone-node/ipset.restore"), "");
    Files.createDirectories(outDir.resolve("notes"));
    Files.writeString(outDir.resolve("notes/readme.txt"), "mine");
    assertThat(run("compile", "--manifests", m.toString(), "--out", outDir.toString())).isZero();
    assertThat(outDir.resolve("gone-node")).doesNotExist();
    assertThat(outDir.resolve("notes/readme.txt")).exists();
    assertThat(outDir.resolve("node-1/iptables.restore")).exists();
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertThat(run("compile", "--bogus")).isEqualTo(2);
  }
}
