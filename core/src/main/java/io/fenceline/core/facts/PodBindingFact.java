package io.fenceline.core.facts;

import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.ObjectKey;
import java.util.List;

/**
 * An isolated pod on a node: its IPs, in which directions it is isolated, and the policy chains
 * whose union is what it may do in each. A direction with isolation and no chains denies all.
 * {@code ingressTiers} and {@code egressTiers} are the ClusterNetworkPolicy chains evaluated before
 * (Admin) and after (Baseline) the NetworkPolicy ones; a pod may have a binding for them alone.
 */
public record PodBindingFact(
    String node,
    ObjectKey pod,
    List<IpAddress> ips,
    boolean ingressIsolated,
    boolean egressIsolated,
    List<String> ingressChains,
    List<String> egressChains,
    TierChains ingressTiers,
    TierChains egressTiers)
    implements Fact {

  public PodBindingFact {
    ips = List.copyOf(ips);
    ingressChains = List.copyOf(ingressChains);
    egressChains = List.copyOf(egressChains);
    ingressTiers = ingressTiers == null ? TierChains.NONE : ingressTiers;
    egressTiers = egressTiers == null ? TierChains.NONE : egressTiers;
  }

  /** A binding of NetworkPolicies only (no ClusterNetworkPolicy selects the pod). */
  public PodBindingFact(
      String node,
      ObjectKey pod,
      List<IpAddress> ips,
      boolean ingressIsolated,
      boolean egressIsolated,
      List<String> ingressChains,
      List<String> egressChains) {
    this(
        node,
        pod,
        ips,
        ingressIsolated,
        egressIsolated,
        ingressChains,
        egressChains,
        TierChains.NONE,
        TierChains.NONE);
  }

  /** Whether a NetworkPolicy isolates the pod in direction {@code d}. */
  public boolean isolated(Direction d) {
    return d == Direction.INGRESS ? ingressIsolated : egressIsolated;
  }

  /** The NetworkPolicy chains of direction {@code d}. */
  public List<String> chains(Direction d) {
    return d == Direction.INGRESS ? ingressChains : egressChains;
  }

  /** The ClusterNetworkPolicy chains of direction {@code d}. */
  public TierChains tiers(Direction d) {
    return d == Direction.INGRESS ? ingressTiers : egressTiers;
  }

  /** Whether fenceline checks the pod's traffic in direction {@code d}: isolated or tiered. */
  public boolean enforced(Direction d) {
    return isolated(d) || !tiers(d).isEmpty();
  }

  /** Every chain the binding references: NetworkPolicy chains, then tier chains, per direction. */
  public List<String> allChains() {
    List<String> out = new java.util.ArrayList<>(ingressChains);
    out.addAll(egressChains);
    out.addAll(ingressTiers.all());
    out.addAll(egressTiers.all());
    return out;
  }

  @Override
  public FactKey key() {
    return new FactKey.Binding(node, pod);
  }
}
