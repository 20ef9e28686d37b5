package io.fenceline.core.model;

import java.util.List;

/**
 * A decoded policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy (cluster-scoped). Its subject is
 * the pods of the namespaces {@code subjectNamespaces} matches that {@code subjectPods} matches
 * ({@link LabelSelector#EVERYTHING} for the API's {@code namespaces} subject); hostNetwork pods are
 * never subjects. A direction without rules leaves that direction alone.
 *
 * <p>Policies of one tier are evaluated by {@code priority} (0..1000, lower first), and, since the
 * API leaves equal priorities to the implementation, then by name: the order is deterministic and
 * documented, and equal priorities are reported.
 *
 * <p>A policy that failed validation but whose subject parsed is kept with {@code failedClosed}
 * set: its rules are gone and each direction it had rules in denies everything for its subjects (in
 * its tier, at its priority).
 */
public record ClusterNetworkPolicy(
    String name,
    Tier tier,
    int priority,
    LabelSelector subjectNamespaces,
    LabelSelector subjectPods,
    List<TierRule> ingress,
    List<TierRule> egress,
    boolean failedClosed)
    implements ClusterObject {

  public ClusterNetworkPolicy {
    ingress = List.copyOf(ingress);
    egress = List.copyOf(egress);
  }

  @Override
  public Kind kind() {
    return Kind.CLUSTER_NETWORK_POLICY;
  }

  @Override
  public ObjectKey key() {
    return new ObjectKey("", name);
  }

  public List<TierRule> rules(Direction d) {
    return d == Direction.INGRESS ? ingress : egress;
  }

  /** Whether this policy has anything to say about direction {@code d}. */
  public boolean governs(Direction d) {
    return !rules(d).isEmpty();
  }
}
