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

/** {@code fenceline up}: converges to exactly the compile output, times out with exit 3, refuses the host. */
class UpCommandIT {
  @TempDir Path dir;

  private int run(StringWriter err, String... args) {
    return Main.commandLine().setErr(new PrintWriter(err)).setOut(new PrintWriter(new StringWriter())).execute(args);
  }

  @Test
  void upConvergesToTheCompileOutputAndReportsATimeout() throws Exception {
    Path examples = Path.of(System.getProperty("user.dir")).resolve("../examples").normalize();
    StringWriter err = new StringWriter();
    int rc = run(err, "up", "--manifests", examples.toString(), "--dry-run", dir.resolve("dry").toString(),
        "--data-dir", dir.resolve("data").toString(), "--exit-when-converged", "--timeout", "120");
    assertThat(rc).as(err.toString()).isZero();
    assertThat(run(new StringWriter(), "compile", "--manifests", examples.toString(), "--out", dir.resolve("compiled").toString()))
        .isZero();
    for (String node : new String[] {"node-1", "node-2"}) {
      for (String f : PayloadWriter.FILES) {
        assertThat(Files.readString(dir.resolve("dry").resolve(node).resolve(f)))
            .isEqualTo(Files.readString(dir.resolve("compiled").resolve(node).resolve(f)));
      }
    }

    StringWriter err2 = new StringWriter();
    int timeout = run(err2, "up", "--manifests", examples.toString(), "--dry-run", dir.resolve("dry2").toString(),
        "--data-dir", dir.resolve("data2").toString(), "--exit-when-converged", "--timeout", "0");
    assertThat(timeout).isEqualTo(3);
  }

  @Test
  void upRefusesToTouchTheHost() {
    StringWriter err = new StringWriter();
    assertThat(run(err, "up", "--manifests", "examples")).isEqualTo(2);
    assertThat(err.toString()).contains("refuses to touch this host's firewall");
  }
}
