package io.fenceline.sandbox;

import java.util.List;

/** A command exited non-zero (or timed out): carries the command line, exit code and stderr. */
public final class CommandFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> command;
    private final int exitCode;
    private final String stderr;

    CommandFailedException(List<String> command, int exitCode, String stderr) {
        super("command failed (exit " + exitCode + "): " + String.join(" ", command)
                + (stderr.isBlank() ? "" : "\nstderr: " + stderr.strip()));
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
