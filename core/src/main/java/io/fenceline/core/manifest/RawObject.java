package io.fenceline.core.manifest;

import com.fasterxml.jackson.databind.JsonNode;

/** One object of a manifest, as parsed, with where it starts. */
public record RawObject(JsonNode node, SourceLocation location) {}
