package io.fenceline.core.history;

import io.fenceline.core.explain.FlowExplainer;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.ObjectKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The answer to "was this flow allowed at T, and why": the explanation against the state at T and
 * the objects it rests on, each with the resourceVersion it had then. {@code unknown} non-null says
 * the log does not describe the cluster at T (see {@link Coverage}); the explanation is then what
 * the log held, not necessarily what the cluster was.
 */
public record FlowReport(
    Instant at, FlowExplainer.Explanation explanation, List<UsedObject> objects, String unknown) {

  /**
   * An object the answer used: kind, {@code namespace/name} (or name) and its resourceVersion (null
   * if not published).
   */
  public record UsedObject(Kind kind, String name, String resourceVersion) {}

  public static FlowReport of(ClusterState state, FlowQuery q, Instant at, String unknown) {
    FlowExplainer.Explanation x = q.explain(state);
    Set<ObjectRef> used = new LinkedHashSet<>();
    for (FlowExplainer.Endpoint e : List.of(x.src(), x.dst())) {
      if (e.pod() != null) {
        used.add(new ObjectRef(Kind.POD, e.pod()));
        used.add(new ObjectRef(Kind.NAMESPACE, new ObjectKey("", e.pod().namespace())));
      }
    }
    for (FlowExplainer.Side side : List.of(x.egress(), x.ingress())) {
      for (ObjectKey p : side.isolatingPolicies()) {
        used.add(new ObjectRef(Kind.NETWORK_POLICY, p));
      }
      for (var t : java.util.Arrays.asList(side.admin(), side.baseline())) {
        if (t != null) {
          used.add(new ObjectRef(Kind.CLUSTER_NETWORK_POLICY, new ObjectKey("", t.policy())));
        }
      }
    }
    if (x.ingress().match() != null && x.src().pod() != null) {
      used.add(new ObjectRef(Kind.NAMESPACE, new ObjectKey("", x.src().pod().namespace())));
    }
    List<UsedObject> objects = new ArrayList<>();
    for (ObjectRef r : used) {
      ClusterState.Entry entry = state.entry(r);
      String name = r.key().namespace().isEmpty() ? r.key().name() : r.key().toString();
      objects.add(
          new UsedObject(r.kind(), name, entry == null ? null : entry.event().resourceVersion()));
    }
    return new FlowReport(at, x, List.copyOf(objects), unknown);
  }
}
