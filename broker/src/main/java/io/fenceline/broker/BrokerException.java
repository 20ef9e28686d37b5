package io.fenceline.broker;

/**
 * A broker could not be started or found; the message says why and what to do, in one sentence or
 * two.
 */
public class BrokerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BrokerException(String message) {
    super(message);
  }

  public BrokerException(String message, Throwable cause) {
    super(message, cause);
  }
}
