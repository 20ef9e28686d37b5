package io.fenceline.forensics;

/**
 * A moment the log cannot answer for (before its first event, lost to retention, ...); the message
 * says why.
 */
public final class HistoryException extends Exception {
  public HistoryException(String message) {
    super(message);
  }
}
