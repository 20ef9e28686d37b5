package io.fenceline.core.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.time.UtcInstants;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * The JSON encoding of {@link ChangeEvent} (documented in {@code docs/events.md}). Pure: bytes in,
 * bytes out. Decoding is strict about types and required fields and names what is wrong.
 */
public final class EventCodec {
  /**
   * Field names up to a megabyte (Jackson's default stops at 50,000 characters): ingest publishes
   * objects as written, a label key of 60,000 characters included, and the engine must decode the
   * event to report that key as the problem rather than drop the whole event as "not JSON". A
   * record is bounded by Kafka's size limit anyway.
   */
  private static final ObjectMapper JSON =
      new ObjectMapper(
          com.fasterxml.jackson.core.JsonFactory.builder()
              .streamReadConstraints(
                  com.fasterxml.jackson.core.StreamReadConstraints.builder()
                      .maxNameLength(1 << 20)
                      .build())
              .build());

  private static final Set<String> FIELDS =
      Set.of(
          "v",
          "cluster",
          "kind",
          "namespace",
          "name",
          "uid",
          "resourceVersion",
          "type",
          "observedAt",
          "generation",
          "object",
          "truncated");

  private EventCodec() {}

  public static byte[] encode(ChangeEvent e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", e.version());
    n.put("cluster", e.cluster());
    n.put("kind", e.kind());
    if (!e.namespace().isEmpty()) {
      n.put("namespace", e.namespace());
    }
    if (!e.name().isEmpty()) {
      n.put("name", e.name());
    }
    if (e.uid() != null) {
      n.put("uid", e.uid());
    }
    if (e.resourceVersion() != null) {
      n.put("resourceVersion", e.resourceVersion());
    }
    n.put("type", e.type().name());
    n.put("observedAt", e.observedAt().toString());
    n.put("generation", e.generation());
    if (e.object() != null) {
      n.set("object", e.object());
    }
    if (e.truncated() != null) {
      n.putObject("truncated")
          .put("bytes", e.truncated().bytes())
          .put("limit", e.truncated().limit());
    }
    try {
      return JSON.writeValueAsBytes(n);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("cannot encode event", ex);
    }
  }

  public static ChangeEvent decode(byte[] bytes) throws EventFormatException {
    if (bytes == null) {
      throw new EventFormatException("empty record value");
    }
    JsonNode n;
    try {
      n = JSON.readTree(bytes);
    } catch (JsonProcessingException ex) {
      throw new EventFormatException("not JSON: " + ex.getOriginalMessage(), ex);
    } catch (IOException ex) {
      throw new EventFormatException("unreadable: " + ex.getMessage(), ex);
    }
    if (n == null || !n.isObject()) {
      throw new EventFormatException("not a JSON object");
    }
    int version = integer(n, "v");
    if (version < 1 || version > ChangeEvent.CURRENT_VERSION) {
      throw new EventFormatException(
          "unsupported event version "
              + version
              + " (this engine reads 1.."
              + ChangeEvent.CURRENT_VERSION
              + ")");
    }
    for (var it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new EventFormatException("unknown field '" + f + "'");
      }
    }
    EventType type;
    try {
      type = EventType.valueOf(text(n, "type", true));
    } catch (IllegalArgumentException ex) {
      throw new EventFormatException("type must be UPSERT, DELETE, GENERATION_END or HEARTBEAT");
    }
    Instant observedAt;
    try {
      observedAt = UtcInstants.parse(text(n, "observedAt", true));
    } catch (DateTimeParseException ex) {
      throw new EventFormatException(
          "observedAt is not an RFC 3339 UTC time: " + n.get("observedAt"));
    }
    ChangeEvent.Truncation truncated = null;
    if (n.has("truncated")) {
      JsonNode t = n.get("truncated");
      if (version < 2) {
        throw new EventFormatException("'truncated' needs event version 2, got " + version);
      }
      if (!t.isObject()
          || t.size() != 2
          || !t.path("bytes").canConvertToLong()
          || !t.path("limit").canConvertToLong()
          || !t.path("bytes").isIntegralNumber()
          || !t.path("limit").isIntegralNumber()) {
        throw new EventFormatException("truncated must be {\"bytes\": n, \"limit\": n}");
      }
      truncated = new ChangeEvent.Truncation(t.get("bytes").asLong(), t.get("limit").asLong());
      if (type != EventType.UPSERT) {
        throw new EventFormatException("only an UPSERT can be truncated");
      }
    }
    JsonNode object = n.get("object");
    if (type == EventType.UPSERT && (object == null || !object.isObject())) {
      throw new EventFormatException("an UPSERT needs an object");
    }
    if (type == EventType.HEARTBEAT) {
      return heartbeat(n, version, observedAt, object);
    }
    if (type != EventType.UPSERT && object != null && !object.isNull()) {
      throw new EventFormatException("a " + type + " carries no object");
    }
    String name = text(n, "name", type != EventType.GENERATION_END);
    return new ChangeEvent(
        version,
        text(n, "cluster", true),
        text(n, "kind", true),
        text(n, "namespace", false),
        name,
        text(n, "uid", false),
        text(n, "resourceVersion", false),
        type,
        observedAt,
        n.has("generation") ? longValue(n, "generation") : 0L,
        type == EventType.UPSERT ? object : null,
        truncated);
  }

  private static ChangeEvent heartbeat(JsonNode n, int version, Instant observedAt, JsonNode object)
      throws EventFormatException {
    if (!ChangeEvent.HEARTBEAT_KIND.equals(text(n, "kind", true))) {
      throw new EventFormatException("a HEARTBEAT has kind " + ChangeEvent.HEARTBEAT_KIND);
    }
    if (n.has("namespace")
        || n.has("name")
        || n.has("object")
            && (object == null
                || !object.isObject()
                || object.size() != 1
                || !object.path("intervalSeconds").isIntegralNumber()
                || object.get("intervalSeconds").asLong() < 1)) {
      throw new EventFormatException(
          "a HEARTBEAT names no object and carries only {\"intervalSeconds\": n > 0}");
    }
    if (object == null) {
      throw new EventFormatException("a HEARTBEAT needs {\"intervalSeconds\": n > 0}");
    }
    return new ChangeEvent(
        version,
        text(n, "cluster", true),
        ChangeEvent.HEARTBEAT_KIND,
        "",
        "",
        null,
        null,
        EventType.HEARTBEAT,
        observedAt,
        0,
        object);
  }

  private static String text(JsonNode n, String field, boolean required)
      throws EventFormatException {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new EventFormatException("missing " + field);
      }
      return null;
    }
    if (!v.isTextual()) {
      throw new EventFormatException(field + " must be a string");
    }
    if (required && v.asText().isEmpty()) {
      throw new EventFormatException(field + " must not be empty");
    }
    return v.asText();
  }

  private static int integer(JsonNode n, String field) throws EventFormatException {
    JsonNode v = n.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new EventFormatException("missing or non-integer " + field);
    }
    return v.asInt();
  }

  private static long longValue(JsonNode n, String field) throws EventFormatException {
    JsonNode v = n.get(field);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new EventFormatException(field + " must be an integer");
    }
    return v.asLong();
  }
}
