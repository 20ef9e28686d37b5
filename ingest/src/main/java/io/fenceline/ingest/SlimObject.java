package io.fenceline.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.model.Kind;
import java.time.Instant;
import java.util.Objects;

/**
 * One Kubernetes object reduced to what policy needs, in the API's own JSON shape ({@code object}),
 * with the identity the event carries. {@code namespace} is empty for cluster-scoped kinds.
 */
public record SlimObject(
    Kind kind,
    String namespace,
    String name,
    String uid,
    String resourceVersion,
    ObjectNode object) {

  public SlimObject {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(object, "object");
    namespace = namespace == null ? "" : namespace;
  }

  /** {@code Kind/namespace/name}: the identity coalescing and change detection use. */
  public String key() {
    return key(kind, namespace, name);
  }

  public static String key(Kind kind, String namespace, String name) {
    return kind.apiName() + "/" + (namespace == null ? "" : namespace) + "/" + name;
  }

  public ChangeEvent upsert(String cluster, Instant observedAt, long generation) {
    return ChangeEvent.upsert(
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

  public ChangeEvent delete(String cluster, Instant observedAt, long generation) {
    return ChangeEvent.delete(
        cluster, kind.apiName(), namespace, name, uid, resourceVersion, observedAt, generation);
  }
}
