package io.fenceline.testcontainers;

/**
 * The outcome of one real connection attempt from a pod's network namespace to another pod's
 * address: {@code connected} when the destination's agent answered with its own name.
 */
public record Connection(
    String from, String to, int port, Protocol protocol, boolean connected, String detail) {

  /** {@code shop/frontend -> shop/db 5432/TCP}. */
  public String flow() {
    return from + " -> " + to + " " + port + "/" + protocol;
  }

  @Override
  public String toString() {
    return flow() + ": " + (connected ? "connected" : "no connection") + " (" + detail + ")";
  }
}
