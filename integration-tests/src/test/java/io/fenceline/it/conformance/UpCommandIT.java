package io.fenceline.it.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.cli.Main;
import io.fenceline.cli.io.PayloadWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fenceline up}: converges to exactly the compile output, times out with exit 3, refuses the
 * host.
 */
class UpCommandIT {
  @TempDir Path dir;

  private int run(StringWriter err, String... args) {
    return Main.commandLine()
        .setErr(new PrintWriter(err))
        .setOut(new PrintWriter(new StringWriter()))
        .execute(args);
  }

  @Test
  void upConvergesToTheCompileOutputAndReportsATimeout() throws Exception {
    Path examples = Path.of(System.getProperty("user.dir")).resolve("../examples").normalize();
    StringWriter err = new StringWriter();
    int rc =
        run(
            err,
            "up",
            "--manifests",
            examples.toString(),
            "--dry-run",
            dir.resolve("dry").toString(),
            "--data-dir",
            dir.resolve("data").toString(),
            "--exit-when-converged",
            "--timeout",
            "120");
    assertThat(rc).as(err.toString()).isZero();
    assertThat(
            run(
                new StringWriter(),
                "compile",
                "--manifests",
                examples.toString(),
                "--out",
                dir.resolve("compiled").toString()))
        .isZero();
    for (String node : new String[] {"node-1", "node-2"}) {
      for (String f : PayloadWriter.FILES) {
        assertThat(Files.readString(dir.resolve("dry").resolve(node).resolve(f)))
            .isEqualTo(Files.readString(dir.resolve("compiled").resolve(node).resolve(f)));
      }
    }

    StringWriter err2 = new StringWriter();
    int timeout =
        run(
            err2,
            "up",
            "--manifests",
            examples.toString(),
            "--dry-run",
            dir.resolve("dry2").toString(),
            "--data-dir",
            dir.resolve("data2").toString(),
            "--exit-when-converged",
            "--timeout",
            "0");
    assertThat(timeout).isEqualTo(3);
  }

  /** {@code up --netns}: real enforcement in namespaces built from the manifests, probed. */
  @Test
  void upEnforcesTheExamplesInNetworkNamespaces() throws Exception {
    io.fenceline.it.netns.RootRequirement.check();
    Path examples = Path.of(System.getProperty("user.dir")).resolve("../examples").normalize();
    System.setProperty(io.fenceline.sandbox.ProbeAgent.PORTS_PROPERTY, "80,81,6379");
    java.util.Map<String, Boolean> seen = new java.util.TreeMap<>();
    io.fenceline.cli.up.UpCommand up = new io.fenceline.cli.up.UpCommand();
    up.afterConverged =
        sandbox -> {
          for (String from :
              java.util.List.of(
                  "default/frontend-0",
                  "myproject/worker-0",
                  "default/backend-0",
                  "other/client-0")) {
            io.fenceline.sandbox.Probe p =
                new io.fenceline.sandbox.Probe(from, "default/db-0", "TCP", 6379, 4);
            seen.put(from, sandbox.lab.probe(p).connected());
          }
        };
    StringWriter err = new StringWriter();
    int rc =
        new picocli.CommandLine(up)
            .setErr(new PrintWriter(err))
            .setOut(new PrintWriter(new StringWriter()))
            .execute(
                "--manifests",
                examples.toString(),
                "--netns",
                "--data-dir",
                dir.resolve("data3").toString(),
                "--exit-when-converged",
                "--timeout",
                "120");
    System.clearProperty(io.fenceline.sandbox.ProbeAgent.PORTS_PROPERTY);
    assertThat(rc).as(err.toString()).isZero();
    // The seed policy: db accepts 6379 from role=frontend in default and from namespace
    // project=myproject only.
    assertThat(seen)
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of(
                "default/frontend-0",
                true,
                "myproject/worker-0",
                true,
                "default/backend-0",
                false,
                "other/client-0",
                false));
  }

  @Test
  void upRefusesToTouchTheHost() {
    StringWriter err = new StringWriter();
    assertThat(run(err, "up", "--manifests", "examples")).isEqualTo(2);
    assertThat(err.toString()).contains("refuses to touch this host's firewall");
  }
}
