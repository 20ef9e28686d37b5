package io.fenceline.core.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows one flow through the log: after every record that changed an object, the flow is
 * explained again, and each change of the answer (verdict, the pod an IP resolves to, or the
 * reason) is kept with the record that caused it. A pod named by the query that does not exist at
 * some moment gives the verdict {@code absent}. Pure.
 */
public final class FlowHistory {
  /** A moment the verdict changed: when, why (null for the starting point) and the new answer. */
  public record Moment(
      Instant at,
      EventRef cause,
      String verdict,
      FlowReport report,
      String detail,
      boolean verdictChanged) {}

  private final FlowQuery query;
  private final List<Moment> moments = new ArrayList<>();
  private String verdict;
  private String identity;
  private String lastDetail;

  public FlowHistory(FlowQuery query) {
    this.query = query;
  }

  /** The verdict at the start of the period asked about. */
  public void start(ClusterState state, Instant at) {
    verdict = null;
    identity = null;
    lastDetail = null;
    record(state, at, null);
  }

  /** Called after {@code state} folded in {@code applied}. */
  public void observe(ClusterState state, StateDiff.Applied applied) {
    if (!applied.changed().isEmpty()) {
      record(state, applied.record().event().observedAt(), EventRef.of(applied));
    }
  }

  private void record(ClusterState state, Instant at, EventRef cause) {
    FlowReport report = null;
    String v;
    String detail;
    try {
      report = FlowReport.of(state, query, at, null);
      v = report.explanation().allowed() ? "allowed" : "denied";
      detail = summary(report);
    } catch (IllegalArgumentException e) {
      v = "absent";
      detail = e.getMessage();
    }
    // A reused IP resolving to another pod is a change too, even when the verdict stays.
    String who =
        report == null
            ? ""
            : report.explanation().src().pod() + " " + report.explanation().dst().pod();
    boolean changed = !v.equals(verdict) || !who.equals(identity);
    if (changed || !detail.equals(lastDetail)) {
      moments.add(new Moment(at, cause, v, report, detail, changed));
      verdict = v;
      identity = who;
      lastDetail = detail;
    }
  }

  private static String summary(FlowReport r) {
    var x = r.explanation();
    return "egress " + side(x.egress()) + "; ingress " + side(x.ingress());
  }

  private static String side(io.fenceline.core.explain.FlowExplainer.Side s) {
    if (!s.isolated()) {
      return "not isolated";
    }
    if (s.quarantined()) {
      return "quarantined (the pod's object was too large to publish)";
    }
    if (s.match() == null) {
      return "isolated by " + s.isolatingPolicies() + ", no rule matched";
    }
    return "allowed by "
        + s.match().policy()
        + " rule "
        + s.match().ruleIndex()
        + " peer "
        + s.match().peerIndex();
  }

  /**
   * Every moment the answer changed: its verdict, the pod an IP resolved to, or only the reason.
   */
  public List<Moment> moments() {
    return List.copyOf(moments);
  }

  /** The moments the verdict (or the pod an IP resolved to) changed. */
  public List<Moment> changes() {
    return moments.stream().filter(Moment::verdictChanged).toList();
  }
}
