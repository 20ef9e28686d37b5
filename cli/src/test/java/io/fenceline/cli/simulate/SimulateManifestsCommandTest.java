package io.fenceline.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateManifestsCommandTest {
  @TempDir Path tmp;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc =
        Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(rc, out.toString(), err.toString());
  }

  @Test
  void shouldWriteManifestsThatCompileStrictlyWithoutProblems() throws Exception {
    Run sim =
        run(
            "simulate",
            "manifests",
            "--size",
            "2/12/300/40",
            "--seed",
            "9",
            "--out",
            tmp.resolve("fleet").toString());
    assertThat(sim.exit()).as(sim.err()).isZero();
    assertThat(sim.out().lines()).hasSize(2);
    for (String cluster : new String[] {"c00", "c01"}) {
      Run compile =
          run(
              "compile",
              "--strict",
              "--manifests",
              tmp.resolve("fleet").resolve(cluster).toString(),
              "--out",
              tmp.resolve("out").resolve(cluster).toString());
      assertThat(compile.exit()).as(compile.err()).isZero();
      assertThat(compile.err()).contains("(0 invalid objects)");
      try (var nodes = Files.list(tmp.resolve("out").resolve(cluster))) {
        assertThat(nodes.count()).isEqualTo(6);
      }
      assertThat(
              Files.readString(
                  tmp.resolve("out")
                      .resolve(cluster)
                      .resolve(cluster + "-node-0000")
                      .resolve("iptables.restore")))
          .contains("-I FORWARD 1 ")
          .contains("--match-set");
    }
  }

  @Test
  void shouldWriteTheSameManifestsFromTheSameSeed() throws Exception {
    run(
        "simulate",
        "manifests",
        "--size",
        "1/5/100/20",
        "--seed",
        "3",
        "--out",
        tmp.resolve("a").toString());
    run(
        "simulate",
        "manifests",
        "--size",
        "1/5/100/20",
        "--seed",
        "3",
        "--out",
        tmp.resolve("b").toString());
    assertThat(Files.readString(tmp.resolve("a/c00/fleet.json")))
        .isEqualTo(Files.readString(tmp.resolve("b/c00/fleet.json")));
  }

  @Test
  void shouldExit2NamingTheOptionForASizeThatDoesNotFit() {
    Run r =
        run("simulate", "manifests", "--size", "1/2/500/10", "--out", tmp.resolve("x").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--size").contains("1/2/500/10").contains("110 pods per node");
    assertThat(tmp.resolve("x")).doesNotExist();
  }
}
