package io.fenceline.core.manifest;

import io.fenceline.core.model.ClusterObject;
import java.util.List;
import java.util.SortedMap;

/**
 * Objects decoded from manifests, with where each came from, the problems found, and how many
 * objects of kinds fenceline does not read were ignored (by kind).
 */
public record DecodedObjects(
    List<Located> objects, List<Problem> problems, SortedMap<String, Integer> ignoredKinds) {

  public record Located(ClusterObject object, SourceLocation location) {}
}
