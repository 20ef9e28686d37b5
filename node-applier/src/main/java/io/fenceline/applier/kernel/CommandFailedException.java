package io.fenceline.applier.kernel;

import java.util.List;

/** A kernel tool that exited non-zero: the command, its exit code and what it said. */
public final class CommandFailedException extends RuntimeException {
  private final List<String> command;
  private final int exitCode;
  private final String stderr;

  public CommandFailedException(List<String> command, int exitCode, String stderr) {
    super(String.join(" ", command) + " exited " + exitCode + ": " + stderr.strip());
    this.command = List.copyOf(command);
    this.exitCode = exitCode;
    this.stderr = stderr;
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
