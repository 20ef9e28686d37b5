package io.fenceline.applier.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs ordinary host tools (sh, cat): no root, no namespace. */
class CommandRunnerTest {
  @TempDir Path dir;

  @Test
  void shouldReturnStdoutOfACommandThatSucceeds() {
    assertThat(CommandRunner.onHost().check("sh", "-c", "echo hello")).isEqualTo("hello\n");
  }

  @Test
  void shouldFeedStdinFromTextAndFromAFile() throws Exception {
    assertThat(CommandRunner.onHost().check(List.of("cat"), "from text")).isEqualTo("from text");
    Path input = Files.writeString(dir.resolve("input.txt"), "from a file");
    assertThat(CommandRunner.onHost().checkWithInputFile(List.of("cat"), input))
        .isEqualTo("from a file");
  }

  @Test
  void shouldNameTheCommandItsExitCodeAndStderrWhenItFails() {
    assertThatThrownBy(() -> CommandRunner.onHost().check("sh", "-c", "echo refused >&2; exit 3"))
        .isInstanceOf(CommandFailedException.class)
        .hasMessage("sh -c echo refused >&2; exit 3 exited 3: refused")
        .satisfies(e -> assertThat(((CommandFailedException) e).exitCode()).isEqualTo(3));
  }

  @Test
  void shouldShowTheInputFileOfAFailedCommand() throws Exception {
    Path input = Files.writeString(dir.resolve("input.txt"), "x");
    assertThatThrownBy(
            () ->
                CommandRunner.onHost()
                    .checkWithInputFile(List.of("sh", "-c", "echo no >&2; exit 1"), input))
        .hasMessage("sh -c echo no >&2; exit 1 < " + input + " exited 1: no");
  }

  @Test
  void shouldPrefixTheNamespaceToTheCommandLine() {
    assertThat(CommandRunner.inNetns("lab-n1").commandLine(List.of("ipset", "save")))
        .containsExactly("ip", "netns", "exec", "lab-n1", "ipset", "save");
    assertThat(CommandRunner.onHost().commandLine(List.of("ipset", "save")))
        .containsExactly("ipset", "save");
  }

  @Test
  void attemptShouldReportAToolThatCannotStartInsteadOfThrowing() {
    CommandRunner.Result r =
        CommandRunner.onHost().attempt(List.of("/nonexistent/fenceline-tool"), null);
    assertThat(r.exitCode()).isEqualTo(127);
    assertThat(r.stderr()).startsWith("cannot start:");
    assertThat(CommandRunner.onHost().attempt(List.of("sh", "-c", "exit 2"), null).exitCode())
        .isEqualTo(2);
  }

  @Test
  void shouldRunCommandsTogetherAndGiveTheirResultsInOrder() {
    // Each waits until the file of the one after it exists: run one after the other, the first
    // would wait forever.
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    List<CommandRunner.Result> r =
        new CommandRunner(null, 20)
            .runAll(
                List.of(
                    List.of(
                        "sh",
                        "-c",
                        "touch " + a + "; while [ ! -e " + b + " ]; do sleep 0.05; done; exit 3"),
                    List.of(
                        "sh",
                        "-c",
                        "while [ ! -e "
                            + a
                            + " ]; do sleep 0.05; done; touch "
                            + b
                            + "; echo two")));
    assertThat(r).extracting(CommandRunner.Result::exitCode).containsExactly(3, 0);
    assertThat(r.get(1).stdout()).isEqualTo("two\n");
  }

  @Test
  void shouldThrowForACommandThatCannotStartAfterTheOthersEnded() {
    assertThatThrownBy(
            () ->
                CommandRunner.onHost()
                    .runAll(List.of(List.of("true"), List.of("/nonexistent/fenceline-tool"))))
        .isInstanceOf(CommandFailedException.class)
        .satisfies(e -> assertThat(((CommandFailedException) e).exitCode()).isEqualTo(127));
  }
}
