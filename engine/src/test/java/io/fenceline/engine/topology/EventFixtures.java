package io.fenceline.engine.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.RawObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds events the way ingest publishes them, from manifest text. */
final class EventFixtures {
  private EventFixtures() {}

  static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  static List<ChangeEvent> upserts(String cluster, String yaml, long generation) {
    try {
      List<ChangeEvent> out = new ArrayList<>();
      int i = 0;
      for (RawObject r : ManifestParser.parse("fixture.yaml", yaml)) {
        out.add(upsert(cluster, r.node(), generation, T0.plusSeconds(i++)));
      }
      return out;
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static ChangeEvent upsert(String cluster, JsonNode object, long generation, Instant at) {
    JsonNode meta = object.path("metadata");
    String kind = object.path("kind").asText();
    String ns =
        kind.equals("Namespace") || kind.equals("Node")
            ? ""
            : meta.path("namespace").asText("default");
    return ChangeEvent.upsert(
        cluster,
        kind,
        ns,
        meta.path("name").asText(),
        meta.path("uid").asText(null),
        meta.path("resourceVersion").asText(null),
        at,
        generation,
        object);
  }

  static ChangeEvent delete(
      String cluster, String kind, String namespace, String name, long generation) {
    return ChangeEvent.delete(cluster, kind, namespace, name, null, null, T0, generation);
  }
}
