package io.fenceline.core.facts;

import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.ObjectKey;
import java.util.List;

/**
 * An isolated pod on a node: its IPs, in which directions it is isolated, and the policy chains
 * whose union is what it may do in each. A direction with isolation and no chains denies all.
 */
public record PodBindingFact(
    String node,
    ObjectKey pod,
    List<IpAddress> ips,
    boolean ingressIsolated,
    boolean egressIsolated,
    List<String> ingressChains,
    List<String> egressChains)
    implements Fact {

  public PodBindingFact {
    ips = List.copyOf(ips);
    ingressChains = List.copyOf(ingressChains);
    egressChains = List.copyOf(egressChains);
  }

  @Override
  public FactKey key() {
    return new FactKey.Binding(node, pod);
  }
}
