package io.fenceline.core.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.manifest.ObjectDecoder;
import io.fenceline.core.manifest.OversizeObjects;
import io.fenceline.core.manifest.Problem;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.core.manifest.SourceLocation;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.ObjectKey;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns an UPSERT event's slim object into a model object with the same strict decoder {@code
 * fenceline compile} uses, and checks that the object is the one the event names. The engine and
 * the forensic replay both read events through here, so they agree on every object.
 */
public final class EventObjects {
  private EventObjects() {}

  /**
   * {@code object} null: unusable; {@code problems} non-empty: report (the object may still apply).
   */
  public record Result(ClusterObject object, String problems) {}

  public static Result decode(ChangeEvent e, String origin) {
    ObjectNode node = (ObjectNode) e.object();
    if (!node.has("kind")) {
      node = node.deepCopy(); // the event's own object stays as published
      node.put("kind", e.kind());
    }
    RawObject raw = new RawObject(node, new SourceLocation(origin, 1));
    ObjectDecoder.Result r =
        e.truncated() != null
            ? OversizeObjects.decodeStub(raw, e.truncated().bytes())
            : ObjectDecoder.decode(raw);
    String problems =
        r.problems().stream().map(Problem::toString).collect(Collectors.joining("; "));
    ClusterObject o = r.object();
    if (o != null) {
      ObjectKey expected = key(Kind.fromApiName(e.kind()), e.namespace(), e.name());
      if (!o.key().equals(expected) || !o.kind().apiName().equals(e.kind())) {
        return new Result(
            null,
            origin
                + ": the object ("
                + o.kind().apiName()
                + " "
                + o.key()
                + ") is not the one the event names ("
                + e.kind()
                + " "
                + e.displayName()
                + ")");
      }
    }
    return new Result(
        o,
        problems.isEmpty()
            ? (o == null ? origin + ": object could not be decoded" : "")
            : problems);
  }

  /** The model key of an object of {@code kind}: cluster-scoped kinds have no namespace. */
  /**
   * The event as ingest would have published it: an UPSERT whose object is larger than {@link
   * OversizeObjects#MAX_OBJECT_BYTES} (written by another producer, or by an older ingest) becomes
   * its truncated stub, so the engine never stores or forwards what Kafka may refuse.
   */
  public static ChangeEvent fit(ChangeEvent e) {
    if (e.type() != EventType.UPSERT || e.truncated() != null) {
      return e;
    }
    long bytes = OversizeObjects.size(e.object());
    if (!OversizeObjects.tooLarge(bytes)) {
      return e;
    }
    Kind kind = Kind.fromApiName(e.kind());
    if (kind == null) {
      return e; // rejected as an unknown kind anyway
    }
    return e.truncatedTo(
        OversizeObjects.stub(kind, e.object()), bytes, OversizeObjects.MAX_OBJECT_BYTES);
  }

  public static ObjectKey key(Kind kind, String namespace, String name) {
    return kind.namespaced() ? new ObjectKey(namespace, name) : new ObjectKey("", name);
  }

  public static List<String> knownKinds() {
    return Arrays.stream(Kind.values()).map(Kind::apiName).toList();
  }
}
