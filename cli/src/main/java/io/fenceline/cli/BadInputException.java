package io.fenceline.cli;

/** Unreadable or unparseable input: the command exits 2 with this message. */
public final class BadInputException extends RuntimeException {
  public BadInputException(String message) {
    super(message);
  }
}
