package io.fenceline.core.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One record of {@code fenceline.events}, the event log and source of truth. All events of one
 * cluster share a key (the cluster id), hence a partition and a total order.
 *
 * <p>{@code object} is the slim Kubernetes object (the fields policy needs, in the API's own JSON
 * shape), null for DELETE and GENERATION_END. {@code kind} is the API kind as published (an unknown
 * kind is the engine's to reject). {@code generation} is the ingest's list generation for this
 * (cluster, kind): every object of a relist carries it, and a GENERATION_END marker closes it.
 *
 * <p>{@code truncated} is set when the object was larger than an event may carry ({@link
 * OversizeObjects}): {@code object} is then its stub (identity and what fail-closed enforcement
 * needs), and the engine enforces the object failing closed. Such events are schema version 2.
 */
public record ChangeEvent(
    int version,
    String cluster,
    String kind,
    String namespace,
    String name,
    String uid,
    String resourceVersion,
    EventType type,
    Instant observedAt,
    long generation,
    JsonNode object,
    Truncation truncated) {

  /**
   * The schema version of an event without {@code truncated}. Readers accept versions up to {@link
   * #CURRENT_VERSION}.
   */
  public static final int BASE_VERSION = 1;

  /** The newest schema version this code reads and writes (2: {@code truncated} events). */
  public static final int CURRENT_VERSION = 2;

  /** The object was {@code bytes} long, more than the {@code limit} an event may carry. */
  public record Truncation(long bytes, long limit) {}

  public ChangeEvent(
      int version,
      String cluster,
      String kind,
      String namespace,
      String name,
      String uid,
      String resourceVersion,
      EventType type,
      Instant observedAt,
      long generation,
      JsonNode object) {
    this(
        version,
        cluster,
        kind,
        namespace,
        name,
        uid,
        resourceVersion,
        type,
        observedAt,
        generation,
        object,
        null);
  }

  /** This event, observed at {@code at} instead. */
  public ChangeEvent observedAt(Instant at) {
    return new ChangeEvent(
        version,
        cluster,
        kind,
        namespace,
        name,
        uid,
        resourceVersion,
        type,
        at,
        generation,
        object,
        truncated);
  }

  /**
   * This UPSERT with its object replaced by {@code stub}, marked as truncated from {@code bytes}.
   */
  public ChangeEvent truncatedTo(JsonNode stub, long bytes, long limit) {
    if (type != EventType.UPSERT) {
      throw new IllegalStateException("only an UPSERT carries an object");
    }
    return new ChangeEvent(
        2,
        cluster,
        kind,
        namespace,
        name,
        uid,
        resourceVersion,
        type,
        observedAt,
        generation,
        Objects.requireNonNull(stub, "stub"),
        new Truncation(bytes, limit));
  }

  public ChangeEvent {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(observedAt, "observedAt");
    namespace = namespace == null ? "" : namespace;
    name = name == null ? "" : name;
  }

  public static ChangeEvent upsert(
      String cluster,
      String kind,
      String namespace,
      String name,
      String uid,
      String resourceVersion,
      Instant observedAt,
      long generation,
      JsonNode object) {
    return new ChangeEvent(
        BASE_VERSION,
        cluster,
        kind,
        namespace,
        name,
        uid,
        resourceVersion,
        EventType.UPSERT,
        observedAt,
        generation,
        Objects.requireNonNull(object, "object"));
  }

  public static ChangeEvent delete(
      String cluster,
      String kind,
      String namespace,
      String name,
      String uid,
      String resourceVersion,
      Instant observedAt,
      long generation) {
    return new ChangeEvent(
        BASE_VERSION,
        cluster,
        kind,
        namespace,
        name,
        uid,
        resourceVersion,
        EventType.DELETE,
        observedAt,
        generation,
        null);
  }

  public static ChangeEvent generationEnd(
      String cluster, String kind, Instant observedAt, long generation) {
    return new ChangeEvent(
        BASE_VERSION,
        cluster,
        kind,
        "",
        "",
        null,
        null,
        EventType.GENERATION_END,
        observedAt,
        generation,
        null);
  }

  /** The kind a {@link EventType#HEARTBEAT} names: the ingest itself, not a Kubernetes object. */
  public static final String HEARTBEAT_KIND = "Ingest";

  public static ChangeEvent heartbeat(
      String cluster, Instant observedAt, java.time.Duration interval) {
    if (interval.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "heartbeat interval must be at least one second: " + interval);
    }
    var object =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
            .objectNode()
            .put("intervalSeconds", Math.toIntExact(interval.toSeconds()));
    return new ChangeEvent(
        BASE_VERSION,
        cluster,
        HEARTBEAT_KIND,
        "",
        "",
        null,
        null,
        EventType.HEARTBEAT,
        observedAt,
        0,
        object);
  }

  /** The promised interval of a {@link EventType#HEARTBEAT}, else null. */
  public java.time.Duration heartbeatInterval() {
    return type == EventType.HEARTBEAT
        ? java.time.Duration.ofSeconds(object.get("intervalSeconds").asLong())
        : null;
  }

  /** {@code namespace/name}, or {@code name} for cluster-scoped kinds. */
  public String displayName() {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }
}
