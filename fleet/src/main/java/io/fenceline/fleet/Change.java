package io.fenceline.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.model.Kind;
import java.time.Instant;
import java.util.Objects;

/**
 * One object change of one cluster, as ingest would see it: an upsert with the object in the API's
 * JSON shape, or a delete ({@code object} null). {@code namespace} is empty for cluster-scoped
 * kinds.
 */
public record Change(
    String cluster,
    Kind kind,
    String namespace,
    String name,
    String uid,
    String resourceVersion,
    ObjectNode object,
    ChangeKind cause) {

  public Change {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(cause, "cause");
    namespace = namespace == null ? "" : namespace;
  }

  public boolean isDelete() {
    return object == null;
  }

  /**
   * The event of this change as observed at {@code observedAt} in generation {@code generation}.
   */
  public ChangeEvent event(Instant observedAt, long generation) {
    return isDelete()
        ? ChangeEvent.delete(
            cluster, kind.apiName(), namespace, name, uid, resourceVersion, observedAt, generation)
        : ChangeEvent.upsert(
            cluster,
            kind.apiName(),
            namespace,
            name,
            uid,
            resourceVersion,
            observedAt,
            generation,
            object);
  }
}
