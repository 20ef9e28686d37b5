package io.fenceline.core.history;

/** A snapshot that cannot be read; the message says what and where. */
public final class SnapshotFormatException extends Exception {
  public SnapshotFormatException(String message) {
    super(message);
  }
}
