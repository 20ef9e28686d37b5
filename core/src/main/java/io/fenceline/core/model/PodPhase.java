package io.fenceline.core.model;

/** Pod lifecycle phase. Finished pods (Succeeded, Failed) hold no IP for policy purposes. */
public enum PodPhase {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  UNKNOWN;

  public boolean finished() {
    return this == SUCCEEDED || this == FAILED;
  }

  public static PodPhase fromApiName(String s) {
    if (s == null) {
      return UNKNOWN;
    }
    return switch (s) {
      case "Pending" -> PENDING;
      case "Running" -> RUNNING;
      case "Succeeded" -> SUCCEEDED;
      case "Failed" -> FAILED;
      default -> UNKNOWN;
    };
  }
}
