package io.fenceline.core.facts;

/** A node-facts record that cannot be decoded. */
public final class FactFormatException extends Exception {
  public FactFormatException(String message) {
    super(message);
  }
}
