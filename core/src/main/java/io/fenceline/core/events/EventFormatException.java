package io.fenceline.core.events;

/** A record that is not a valid event (not JSON, wrong types, missing fields, future version). */
public final class EventFormatException extends Exception {
  public EventFormatException(String message) {
    super(message);
  }

  public EventFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
