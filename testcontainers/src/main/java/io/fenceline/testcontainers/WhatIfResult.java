package io.fenceline.testcontainers;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code fenceline whatif -o json} as Java: whether the proposal changes any connection, and each
 * change (the schema is in the project's docs/forensics.md).
 */
public record WhatIfResult(boolean changed, int groups, List<Change> changes, String json) {

  /**
   * A group of pods (label, count, first pods) or, when {@code range}, addresses outside the pods.
   */
  public record Side(String label, int pods, List<String> examples, boolean range) {}

  /**
   * Flows from {@code source} to {@code destination} on {@code ports} ({@code tcp/80,8080}, {@code
   * udp/any}) that were {@code before} allowed or not and would be {@code after}.
   */
  public record Change(
      Side source,
      Side destination,
      int family,
      List<String> ports,
      long pairs,
      List<String> examples,
      boolean before,
      boolean after,
      String beforeWhy,
      String afterWhy) {

    /** Whether this change covers the pod pair {@code from -> to} (both namespace/name). */
    public boolean concerns(String from, String to) {
      return examples.contains(from + " -> " + to);
    }
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  static WhatIfResult parse(String json) {
    JsonNode root = JSON.readTree(json);
    List<Change> changes = new ArrayList<>();
    for (JsonNode c : root.path("changes")) {
      changes.add(
          new Change(
              side(c.path("source")),
              side(c.path("destination")),
              c.path("family").asInt(),
              strings(c.path("ports")),
              c.path("pairs").asLong(),
              strings(c.path("examples")),
              c.path("before").asBoolean(),
              c.path("after").asBoolean(),
              c.path("beforeWhy").asString(),
              c.path("afterWhy").asString()));
    }
    return new WhatIfResult(
        root.path("changed").asBoolean(), root.path("groups").asInt(), List.copyOf(changes), json);
  }

  private static Side side(JsonNode s) {
    return new Side(
        s.path("label").asString(),
        s.path("pods").asInt(),
        strings(s.path("examples")),
        s.path("range").asBoolean());
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return List.copyOf(out);
  }
}
