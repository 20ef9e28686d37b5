package io.fenceline.cli;

/** Exit codes shared by every subcommand (DESIGN.md, command-line conventions). */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int BAD_INPUT = 2;
  public static final int TIMEOUT = 3;

  /** A forensic answer for a moment the event log does not describe (ingest was away). */
  public static final int UNKNOWN = 4;

  private ExitCodes() {}

  static int forException(Throwable t) {
    return t instanceof BadInputException || t instanceof picocli.CommandLine.ParameterException
        ? BAD_INPUT
        : FAILURE;
  }
}
