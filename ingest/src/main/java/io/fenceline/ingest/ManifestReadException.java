package io.fenceline.ingest;

/** A manifest that cannot be read or parsed: the message is {@code file:line: reason}. */
public final class ManifestReadException extends Exception {
  public ManifestReadException(String message) {
    super(message);
  }
}
