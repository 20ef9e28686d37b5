package io.fenceline.core.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.events.EventFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A snapshot of a cluster's input state: every object in force with the event that carried it, the
 * log position it stands for and the log's {@link Coverage} so far, so that a replay can start
 * there instead of at the log's first record, and so that history survives retention deleting old
 * events. Encoded as JSON lines (documented in {@code docs/forensics.md}): a header line, then one
 * line per object. Pure: bytes in, bytes out.
 */
public record Snapshot(
    String cluster, int partition, long nextOffset, Instant observedAt, ClusterState state) {
  public static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The header alone: what a store lists without reading every object. */
  public record Header(
      String cluster, int partition, long nextOffset, Instant observedAt, int objects) {}

  public static Snapshot of(ClusterState state, int partition) {
    return new Snapshot(state.cluster(), partition, state.nextOffset(), state.observedAt(), state);
  }

  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    java.util.SortedMap<ObjectRef, ClusterState.Entry> entries = state.entries();
    try {
      ObjectNode h =
          JSON.createObjectNode()
              .put("v", VERSION)
              .put("cluster", cluster)
              .put("partition", partition)
              .put("nextOffset", nextOffset)
              .put("observedAt", observedAt == null ? null : observedAt.toString())
              .put("objects", entries.size());
      h.set("coverage", coverage(state.coverage().save()));
      out.write(JSON.writeValueAsBytes(h));
      out.write('\n');
      for (ClusterState.Entry e : entries.values()) {
        out.write(("{\"offset\":" + e.offset() + ",\"event\":").getBytes(StandardCharsets.UTF_8));
        out.write(EventCodec.encode(e.event()));
        out.write("}\n".getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode snapshot", e);
    }
    return out.toByteArray();
  }

  public static Header header(String firstLine) throws SnapshotFormatException {
    JsonNode h = parse(firstLine, "header");
    int v = h.path("v").asInt(-1);
    if (v != VERSION) {
      throw new SnapshotFormatException(
          "snapshot version " + h.path("v") + " (this fenceline reads " + VERSION + ")");
    }
    try {
      return new Header(
          h.get("cluster").asText(),
          h.get("partition").asInt(),
          h.get("nextOffset").asLong(),
          h.hasNonNull("observedAt") ? Instant.parse(h.get("observedAt").asText()) : null,
          h.get("objects").asInt());
    } catch (RuntimeException e) {
      throw new SnapshotFormatException("snapshot header is incomplete: " + e.getMessage());
    }
  }

  public static Snapshot decode(byte[] bytes) throws SnapshotFormatException {
    String text = new String(bytes, StandardCharsets.UTF_8);
    String[] lines = text.split("\n");
    Header header = header(lines[0]);
    Coverage coverage = Coverage.restore(coverage(parse(lines[0], "header").get("coverage")));
    List<ClusterState.Entry> entries = new ArrayList<>(lines.length - 1);
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isEmpty()) {
        continue;
      }
      JsonNode line = parse(lines[i], "line " + (i + 1));
      try {
        long offset = line.get("offset").asLong();
        LogEvent r =
            LogEvent.of(EventCodec.decode(JSON.writeValueAsBytes(line.get("event"))), offset);
        if (r.object() == null) {
          throw new SnapshotFormatException(
              "line " + (i + 1) + ": the stored object no longer decodes");
        }
        entries.add(new ClusterState.Entry(r.object(), r.event(), offset));
      } catch (EventFormatException | IOException | RuntimeException e) {
        throw new SnapshotFormatException("line " + (i + 1) + ": " + e.getMessage());
      }
    }
    if (entries.size() != header.objects()) {
      throw new SnapshotFormatException(
          "the header counts "
              + header.objects()
              + " objects but "
              + entries.size()
              + " follow (truncated?)");
    }
    ClusterState state =
        ClusterState.restore(
            header.cluster(), entries, coverage, header.nextOffset(), header.observedAt());
    return new Snapshot(
        header.cluster(), header.partition(), header.nextOffset(), header.observedAt(), state);
  }

  private static JsonNode parse(String line, String where) throws SnapshotFormatException {
    try {
      JsonNode n = JSON.readTree(line);
      if (n == null || !n.isObject()) {
        throw new SnapshotFormatException(where + " is not a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new SnapshotFormatException(where + " is not JSON: " + e.getMessage());
    }
  }

  private static ObjectNode coverage(Coverage.Saved s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("firstEventAt", str(s.firstEventAt()))
        .put("listedAt", str(s.listedAt()))
        .put("promiseSeconds", s.promise() == null ? null : s.promise().toSeconds())
        .put("lastEventAt", str(s.lastEventAt()));
    ArrayNode listed = n.putArray("listed");
    s.listed().stream().sorted().forEach(listed::add);
    ArrayNode relisted = n.putArray("relisted");
    s.relisted().stream().sorted().forEach(relisted::add);
    if (s.open() != null) {
      n.set("open", window(s.open()));
    }
    ArrayNode windows = n.putArray("windows");
    s.windows().forEach(w -> windows.add(window(w)));
    return n;
  }

  private static Coverage.Saved coverage(JsonNode n) throws SnapshotFormatException {
    if (n == null || !n.isObject()) {
      throw new SnapshotFormatException("snapshot header has no coverage");
    }
    List<Coverage.Window> windows = new ArrayList<>();
    for (JsonNode w : n.path("windows")) {
      windows.add(window(w));
    }
    return new Coverage.Saved(
        time(n, "firstEventAt"),
        time(n, "listedAt"),
        texts(n.path("listed")),
        n.hasNonNull("promiseSeconds")
            ? Duration.ofSeconds(n.get("promiseSeconds").asLong())
            : null,
        time(n, "lastEventAt"),
        n.hasNonNull("open") ? window(n.get("open")) : null,
        texts(n.path("relisted")),
        windows);
  }

  private static ObjectNode window(Coverage.Window w) {
    return JSON.createObjectNode()
        .put("from", w.from().toString())
        .put("to", str(w.to()))
        .put("reason", w.reason());
  }

  private static Coverage.Window window(JsonNode n) {
    return new Coverage.Window(
        Instant.parse(n.get("from").asText()), time(n, "to"), n.path("reason").asText());
  }

  private static Set<String> texts(JsonNode a) {
    Set<String> out = new HashSet<>();
    a.forEach(x -> out.add(x.asText()));
    return out;
  }

  private static Instant time(JsonNode n, String field) {
    return n.hasNonNull(field) ? Instant.parse(n.get(field).asText()) : null;
  }

  private static String str(Instant t) {
    return t == null ? null : t.toString();
  }
}
