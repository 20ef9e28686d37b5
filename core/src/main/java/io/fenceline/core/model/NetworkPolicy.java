package io.fenceline.core.model;

import java.util.List;
import java.util.Set;

/**
 * A decoded networking.k8s.io/v1 NetworkPolicy.
 *
 * <p>{@code policyTypes} is already defaulted (Ingress always; Egress only when the spec has at
 * least one egress rule). A policy that failed validation but whose podSelector parsed is kept with
 * {@code failedClosed} set and no rules: it still isolates its targets and allows nothing.
 */
public record NetworkPolicy(
    ObjectKey key,
    LabelSelector podSelector,
    Set<Direction> policyTypes,
    List<PolicyRule> ingress,
    List<PolicyRule> egress,
    boolean failedClosed)
    implements ClusterObject {

  public NetworkPolicy {
    policyTypes = policyTypes.isEmpty() ? Set.of() : Set.copyOf(policyTypes);
    ingress = List.copyOf(ingress);
    egress = List.copyOf(egress);
  }

  @Override
  public Kind kind() {
    return Kind.NETWORK_POLICY;
  }

  public String namespace() {
    return key.namespace();
  }

  public boolean isolates(Direction d) {
    return policyTypes.contains(d);
  }

  public List<PolicyRule> rules(Direction d) {
    return d == Direction.INGRESS ? ingress : egress;
  }
}
