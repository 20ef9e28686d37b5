package io.fenceline.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.core.model.Kind;

/**
 * Reduces a manifest object (JSON as parsed) to its slim form, through the one definition in {@link
 * SlimObjects} that the API's objects go through too. Values are copied as written, valid or not
 * (the engine judges); only what an event cannot do without — a kind, a name — is required.
 */
public final class ManifestObjects {
  private ManifestObjects() {}

  /**
   * The size in bytes of the slim object ingest publishes for {@code raw} (0 for objects it does
   * not publish): what {@code compile} compares with the event bound, so that it enforces what the
   * pipeline enforces.
   */
  public static long publishedSize(RawObject raw) {
    try {
      SlimObject slim = of(raw);
      return slim == null ? 0 : io.fenceline.core.manifest.OversizeObjects.size(slim.object());
    } catch (ManifestReadException e) {
      return 0; // not publishable at all; compile reports it through its own decoder
    }
  }

  /**
   * The slim object ({@link SlimObjects#of(io.fenceline.core.model.Kind, JsonNode)}), or null for a
   * kind fenceline does not read; what cannot be published is named with where it is.
   */
  static SlimObject of(RawObject raw) throws ManifestReadException {
    JsonNode kindNode = raw.node().get("kind");
    if (kindNode == null || !kindNode.isTextual() || kindNode.asText().isEmpty()) {
      throw new ManifestReadException(raw.location() + ": object without a kind");
    }
    Kind kind = Kind.fromApiName(kindNode.asText());
    if (kind == null) {
      return null;
    }
    try {
      return SlimObjects.of(kind, raw.node());
    } catch (SlimObjects.NotPublishable e) {
      throw new ManifestReadException(raw.location() + ": " + e.getMessage());
    }
  }
}
