package io.fenceline.applier.kernel;

import java.util.List;

/**
 * A kernel tool that exited non-zero: the command, its exit code, what it said and (for restores)
 * the input it refused. {@link #reason()} is the one bounded line for receipts and logs.
 */
public final class CommandFailedException extends RuntimeException {
  private final List<String> command;
  private final int exitCode;
  private final String stderr;
  private final String input;

  public CommandFailedException(List<String> command, int exitCode, String stderr) {
    this(command, exitCode, stderr, null);
  }

  public CommandFailedException(List<String> command, int exitCode, String stderr, String input) {
    super(String.join(" ", command) + " exited " + exitCode + ": " + stderr.strip());
    this.command = List.copyOf(command);
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.input = input;
  }

  /**
   * One line, at most {@link RefusalReason#MAX_LENGTH} characters: command, exit code, message,
   * refused input line.
   */
  public String reason() {
    return RefusalReason.of(command, exitCode, stderr, input);
  }

  /**
   * The 1-based input line the tool says it stopped at (the lines before it took effect, for
   * ipset).
   */
  public java.util.OptionalInt failedLine() {
    return RefusalReason.failedLine(stderr);
  }

  public List<String> command() {
    return command;
  }

  public int exitCode() {
    return exitCode;
  }

  public String stderr() {
    return stderr;
  }
}
