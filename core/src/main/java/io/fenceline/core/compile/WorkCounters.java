package io.fenceline.core.compile;

/**
 * Deterministic measures of the compiler's work, so tests can prove that the work of one change is
 * proportional to what it changes (and not to the size of the cluster).
 */
public record WorkCounters(long selectorEvaluations, long podsVisited, long factsEmitted) {
  public static final WorkCounters ZERO = new WorkCounters(0, 0, 0);

  public WorkCounters minus(WorkCounters o) {
    return new WorkCounters(
        selectorEvaluations - o.selectorEvaluations,
        podsVisited - o.podsVisited,
        factsEmitted - o.factsEmitted);
  }

  public WorkCounters plus(WorkCounters o) {
    return new WorkCounters(
        selectorEvaluations + o.selectorEvaluations,
        podsVisited + o.podsVisited,
        factsEmitted + o.factsEmitted);
  }
}
