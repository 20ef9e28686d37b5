package io.fenceline.engine.topology;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.manifest.ObjectDecoder;
import io.fenceline.core.manifest.Problem;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.core.manifest.SourceLocation;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.ObjectKey;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns an UPSERT event's slim object into a model object with the same strict decoder {@code
 * fenceline compile} uses, and checks that the object is the one the event names.
 */
final class EventInterpreter {
  private EventInterpreter() {}

  /** {@code object} null: unusable; {@code problems} non-empty: report (the object may still apply). */
  record Result(ClusterObject object, String problems) {}

  static Result decode(ChangeEvent e, String origin) {
    ObjectNode node = ((ObjectNode) e.object()).deepCopy();
    if (!node.has("kind")) {
      node.put("kind", e.kind());
    }
    ObjectDecoder.Result r = ObjectDecoder.decode(new RawObject(node, new SourceLocation(origin, 1)));
    String problems = r.problems().stream().map(Problem::toString).collect(Collectors.joining("; "));
    ClusterObject o = r.object();
    if (o != null) {
      ObjectKey expected = Kind.fromApiName(e.kind()) == Kind.NAMESPACE || Kind.fromApiName(e.kind()) == Kind.NODE
          ? new ObjectKey("", e.name()) : new ObjectKey(e.namespace(), e.name());
      if (!o.key().equals(expected) || !o.kind().apiName().equals(e.kind())) {
        return new Result(null, origin + ": the object (" + o.kind().apiName() + " " + o.key()
            + ") is not the one the event names (" + e.kind() + " " + e.displayName() + ")");
      }
    }
    return new Result(o, problems.isEmpty() ? (o == null ? origin + ": object could not be decoded" : "") : problems);
  }

  static List<String> knownKinds() {
    return java.util.Arrays.stream(Kind.values()).map(Kind::apiName).toList();
  }
}
