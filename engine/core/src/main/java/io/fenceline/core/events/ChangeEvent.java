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
    JsonNode object) {

  /** The schema version this code writes. Readers accept versions up to this one. */
  public static final int CURRENT_VERSION = 1;

  public ChangeEvent {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(observedAt, "observedAt");
    namespace = namespace == null ? "" : namespace;
    name = name == null ? "" : name;
  }

  public static ChangeEvent upsert(String cluster, String kind, String namespace, String name, String uid,
      String resourceVersion, Instant observedAt, long generation, JsonNode object) {
    return new ChangeEvent(CURRENT_VERSION, cluster, kind, namespace, name, uid, resourceVersion,
        EventType.UPSERT, observedAt, generation, Objects.requireNonNull(object, "object"));
  }

  public static ChangeEvent delete(String cluster, String kind, String namespace, String name, String uid,
      String resourceVersion, Instant observedAt, long generation) {
    return new ChangeEvent(CURRENT_VERSION, cluster, kind, namespace, name, uid, resourceVersion,
        EventType.DELETE, observedAt, generation, null);
  }

  public static ChangeEvent generationEnd(String cluster, String kind, Instant observedAt, long generation) {
    return new ChangeEvent(CURRENT_VERSION, cluster, kind, "", "", null, null, EventType.GENERATION_END,
        observedAt, generation, null);
  }

  /** The kind a {@link EventType#HEARTBEAT} names: the ingest itself, not a Kubernetes object. */
  public static final String HEARTBEAT_KIND = "Ingest";

  public static ChangeEvent heartbeat(String cluster, Instant observedAt, java.time.Duration interval) {
    if (interval.toSeconds() < 1) {
      throw new IllegalArgumentException("heartbeat interval must be at least one second: " + interval);
    }
    var object = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
        .put("intervalSeconds", Math.toIntExact(interval.toSeconds()));
    return new ChangeEvent(CURRENT_VERSION, cluster, HEARTBEAT_KIND, "", "", null, null, EventType.HEARTBEAT,
        observedAt, 0, object);
  }

  /** The promised interval of a {@link EventType#HEARTBEAT}, else null. */
  public java.time.Duration heartbeatInterval() {
    return type == EventType.HEARTBEAT ? java.time.Duration.ofSeconds(object.get("intervalSeconds").asLong()) : null;
  }

  /** {@code namespace/name}, or {@code name} for cluster-scoped kinds. */
  public String displayName() {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }
}
