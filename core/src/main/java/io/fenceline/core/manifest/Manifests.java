package io.fenceline.core.manifest;

import io.fenceline.core.compile.PriorityClashes;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.ObjectKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/** Decodes parsed manifests into one cluster state. */
public final class Manifests {
  private Manifests() {}

  /**
   * Decodes every object. A second object with the same kind and key replaces the first and is
   * reported, since a cluster cannot hold both.
   */
  public static DecodedObjects decode(List<RawObject> raws) {
    return decode(raws, raw -> 0);
  }

  /**
   * Decodes every object as the pipeline enforces it: {@code publishedSize} gives the size of the
   * slim object ingest would publish for it, and an object larger than an event carries is decoded
   * from its stub, failing closed ({@link OversizeObjects}), as the engine does.
   */
  public static DecodedObjects decode(
      List<RawObject> raws, ToLongFunction<RawObject> publishedSize) {
    Map<String, DecodedObjects.Located> byKey = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    TreeMap<String, Integer> ignored = new TreeMap<>();
    for (RawObject raw : raws) {
      long size = publishedSize.applyAsLong(raw);
      Kind kind =
          raw.node().path("kind").isTextual()
              ? Kind.fromApiName(raw.node().get("kind").asText())
              : null;
      ObjectDecoder.Result r = OversizeObjects.decodeAsPublished(raw, kind, raw.node(), size);
      problems.addAll(r.problems());
      if (r.ignoredKind() != null) {
        ignored.merge(r.ignoredKind(), 1, Integer::sum);
      }
      if (r.object() == null) {
        continue;
      }
      ClusterObject o = r.object();
      String id = o.kind() + " " + o.key();
      DecodedObjects.Located prev = byKey.put(id, new DecodedObjects.Located(o, raw.location()));
      if (prev != null) {
        problems.add(
            new Problem(
                raw.location(),
                o.kind().apiName(),
                display(o),
                "metadata.name",
                "duplicate of the object at " + prev.location() + "; this one replaces it"));
      }
    }
    problems.addAll(equalPriorities(byKey.values()));
    return new DecodedObjects(List.copyOf(byKey.values()), problems, ignored);
  }

  /**
   * One problem line per ClusterNetworkPolicy that shares its tier and priority with another: the
   * API leaves their order to the implementation; fenceline reads them by name.
   */
  static List<Problem> equalPriorities(Collection<DecodedObjects.Located> objects) {
    Map<String, List<DecodedObjects.Located>> byPlace = new TreeMap<>();
    for (DecodedObjects.Located l : objects) {
      if (l.object() instanceof ClusterNetworkPolicy c) {
        byPlace.computeIfAbsent(PriorityClashes.place(c), k -> new ArrayList<>()).add(l);
      }
    }
    List<Problem> out = new ArrayList<>();
    byPlace.forEach(
        (place, same) -> {
          if (same.size() < 2) {
            return;
          }
          List<String> names =
              same.stream().map(l -> ((ClusterNetworkPolicy) l.object()).name()).sorted().toList();
          for (DecodedObjects.Located l : same) {
            out.add(
                new Problem(
                    l.location(),
                    Kind.CLUSTER_NETWORK_POLICY.apiName(),
                    ((ClusterNetworkPolicy) l.object()).name(),
                    "spec.priority",
                    "warning: " + PriorityClashes.warning(place, names)));
          }
        });
    return out;
  }

  private static String display(ClusterObject o) {
    ObjectKey k = o.key();
    return k.namespace().isEmpty() ? k.name() : k.toString();
  }

  /**
   * The upserts that build this state from nothing, in a canonical order (namespaces, nodes, pods,
   * policies; by key). Any other order gives the same facts; this one does the least work.
   */
  public static List<ClusterChange> asUpserts(DecodedObjects decoded) {
    List<ClusterObject> objects = new ArrayList<>();
    for (DecodedObjects.Located l : decoded.objects()) {
      objects.add(l.object());
    }
    objects.sort(
        Comparator.comparing((ClusterObject o) -> o.kind().applyOrder())
            .thenComparing(ClusterObject::key));
    List<ClusterChange> out = new ArrayList<>();
    for (ClusterObject o : objects) {
      out.add(ClusterChange.upsert(o));
    }
    return out;
  }
}
