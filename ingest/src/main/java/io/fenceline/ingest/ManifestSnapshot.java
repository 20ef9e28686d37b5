package io.fenceline.ingest;

import io.fenceline.core.manifest.ObjectDecoder;
import io.fenceline.core.manifest.OversizeObjects;
import io.fenceline.core.manifest.Problem;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.core.manifest.SourceLocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The objects of a manifest file or folder, slim, as one cluster's whole state: in canonical order
 * ({@link io.fenceline.core.model.Kind#applyOrder()}: namespaces, nodes, pods, NetworkPolicies,
 * ClusterNetworkPolicies; by key), a later duplicate replacing an earlier one. Problems the engine
 * will report (invalid policies, bad labels) are collected as notes: they are published all the
 * same, since the engine judges validity.
 */
public record ManifestSnapshot(
    List<SlimObject> objects, SortedMap<String, Integer> ignoredKinds, List<String> notes) {

  public static ManifestSnapshot read(Path path) throws ManifestReadException {
    return of(ManifestReader.read(path));
  }

  static ManifestSnapshot of(List<RawObject> raws) throws ManifestReadException {
    Map<String, SlimObject> byKey = new LinkedHashMap<>();
    Map<String, SourceLocation> where = new LinkedHashMap<>();
    SortedMap<String, Integer> ignored = new TreeMap<>();
    List<String> notes = new ArrayList<>();
    for (RawObject raw : raws) {
      SlimObject s = ManifestObjects.of(raw);
      if (s == null) {
        ignored.merge(raw.node().get("kind").asText(), 1, Integer::sum);
        continue;
      }
      // Reported at once, as the engine will judge it: an object too large for one event is
      // published as its
      // stub and enforced failing closed (the note names it and its size).
      long size = OversizeObjects.size(s.object());
      ObjectDecoder.Result judged =
          OversizeObjects.decodeAsPublished(raw, s.kind(), s.object(), size);
      for (Problem p : judged.problems()) {
        notes.add(p.toString());
      }
      SourceLocation prev = where.put(s.key(), raw.location());
      if (prev != null) {
        notes.add(
            raw.location()
                + " "
                + s.kind().apiName()
                + " "
                + display(s)
                + ": duplicate of the object at "
                + prev
                + "; this one replaces it");
      }
      byKey.put(s.key(), s);
    }
    List<SlimObject> objects = new ArrayList<>(byKey.values());
    objects.sort(
        Comparator.comparing((SlimObject o) -> o.kind().applyOrder())
            .thenComparing(SlimObject::namespace)
            .thenComparing(SlimObject::name));
    return new ManifestSnapshot(List.copyOf(objects), ignored, List.copyOf(notes));
  }

  /** Objects per kind, by API name. */
  public SortedMap<String, Integer> countsByKind() {
    SortedMap<String, Integer> out = new TreeMap<>();
    objects.forEach(o -> out.merge(o.kind().apiName(), 1, Integer::sum));
    return out;
  }

  private static String display(SlimObject s) {
    return s.namespace().isEmpty() ? s.name() : s.namespace() + "/" + s.name();
  }
}
