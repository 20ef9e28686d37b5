package io.fenceline.core.manifest;

/** A manifest that cannot be parsed at all (not YAML/JSON, or not objects). */
public final class ManifestSyntaxException extends Exception {
  private final SourceLocation location;
  private final String reason;

  public ManifestSyntaxException(SourceLocation location, String reason) {
    super(location + ": " + reason);
    this.location = location;
    this.reason = reason;
  }

  public SourceLocation location() {
    return location;
  }

  public String reason() {
    return reason;
  }
}
