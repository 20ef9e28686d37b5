package io.fenceline.ingest;

/**
 * Another ingest for the same cluster initialised the same transactional id after this one: Kafka
 * fenced this producer, so this ingest must stop (the other one now owns the cluster's events).
 */
public final class IngestFencedException extends RuntimeException {
  public IngestFencedException(String cluster, String transactionalId, Throwable cause) {
    super(
        "another ingest for cluster '"
            + cluster
            + "' started (transactional id "
            + transactionalId
            + "); Kafka fenced this one, which stops without publishing more",
        cause);
  }
}
