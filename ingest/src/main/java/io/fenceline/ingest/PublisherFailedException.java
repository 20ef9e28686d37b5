package io.fenceline.ingest;

/**
 * Kafka refused what a cluster's publisher sent with an error that retrying cannot mend (a record
 * larger than the topic accepts, a missing authorization, an invalid topic, an unserialisable
 * event): the publisher stopped, and its message says which cluster, which object and what Kafka
 * said.
 */
public final class PublisherFailedException extends RuntimeException {
  public PublisherFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
