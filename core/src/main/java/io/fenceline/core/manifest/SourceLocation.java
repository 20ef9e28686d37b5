package io.fenceline.core.manifest;

/** Where an object came from: a file (or other source name) and the 1-based line it starts on. */
public record SourceLocation(String source, int line) {
  @Override
  public String toString() {
    return source + ":" + line;
  }
}
