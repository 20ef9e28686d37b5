package io.fenceline.core.manifest;

/**
 * Something wrong with one object: {@code file:line Kind ns/name field: reason}. The object is
 * either skipped or, for a policy whose podSelector parsed, kept failing closed.
 */
public record Problem(SourceLocation location, String kind, String name, String field, String reason) {
  @Override
  public String toString() {
    return location + " " + kind + " " + name + " " + field + ": " + reason;
  }
}
