package io.fenceline.core.reference;

import io.fenceline.core.facts.Clause;
import io.fenceline.core.facts.FactTable;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.facts.SetEntry;
import io.fenceline.core.facts.SetKind;
import io.fenceline.core.facts.SetRef;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.TierAction;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.Function;

/**
 * Decides a flow the way the rules rendered from the compiler's facts would (see {@code
 * NodeRenderer}): on the source pod's node, every binding that holds the source address and is
 * egress-isolated must allow the flow; on the destination pod's node, every binding that holds the
 * destination address and is ingress-isolated must allow it. A binding allows when a clause of one
 * of its chains for that direction matches; a chain the node does not have allows nothing.
 *
 * <p>Set semantics are the kernel's: {@code hash:ip} holds exact addresses; {@code hash:net}
 * matches by the most specific entry that contains the address, and a {@code nomatch} entry there
 * means no match; {@code hash:ip,port} holds {@code address,protocol:port}. An entry ipset would
 * refuse (a zero-length prefix, the same block twice) is an error here.
 *
 * <p>Not modelled: traffic between a pod and its own node, which never crosses FORWARD.
 */
public final class NodeModelInterpreter {
  private final FactTable facts;
  private final Function<ObjectKey, String> nodeOfPod;
  private final Map<String, NodeModel> models = new HashMap<>();

  public NodeModelInterpreter(FactTable facts, Function<ObjectKey, String> nodeOfPod) {
    this.facts = facts;
    this.nodeOfPod = nodeOfPod;
  }

  /** Nodes of the pods among {@code objects}. */
  public NodeModelInterpreter(FactTable facts, Collection<? extends ClusterObject> objects) {
    this(facts, nodeIndex(objects)::get);
  }

  private static Map<ObjectKey, String> nodeIndex(Collection<? extends ClusterObject> objects) {
    Map<ObjectKey, String> out = new HashMap<>();
    for (ClusterObject o : objects) {
      if (o instanceof Pod p && p.nodeName() != null) {
        out.put(p.key(), p.nodeName());
      }
    }
    return out;
  }

  public boolean allows(Flow flow) {
    return egressAllows(flow) && ingressAllows(flow);
  }

  public boolean egressAllows(Flow flow) {
    return directionAllows(Direction.EGRESS, flow.src(), flow);
  }

  public boolean ingressAllows(Flow flow) {
    return directionAllows(Direction.INGRESS, flow.dst(), flow);
  }

  /** {@code local} is the side whose node checks the flow in {@code dir}. */
  private boolean directionAllows(Direction dir, Flow.Endpoint local, Flow flow) {
    if (!local.isPod()) {
      return true;
    }
    String node = nodeOfPod.apply(local.pod());
    if (node == null) {
      return true;
    }
    NodeModel model = models.computeIfAbsent(node, facts::nodeModel);
    for (PodBindingFact b : model.bindings()) {
      if (!b.enforced(dir) || !b.ips().contains(local.ip())) {
        continue;
      }
      if (!bindingAllows(model, b, dir, flow)) {
        return false;
      }
    }
    return true;
  }

  /** Admin tier chains, then NetworkPolicy chains if isolated, else Baseline tier chains. */
  private static boolean bindingAllows(
      NodeModel model, PodBindingFact b, Direction dir, Flow flow) {
    TierAction admin = tierVerdict(model, b.tiers(dir).admin(), flow);
    if (admin == TierAction.ACCEPT) {
      return true;
    }
    if (admin == TierAction.DENY) {
      return false;
    }
    if (b.isolated(dir)) {
      return anyChainAllows(model, b.chains(dir), flow);
    }
    return tierVerdict(model, b.tiers(dir).baseline(), flow) != TierAction.DENY;
  }

  /**
   * The verdict of the first matching clause over the tier's chains in order (Pass ends the tier
   * with no decision: null); a chain the node does not have denies what is undecided (fail closed).
   */
  private static TierAction tierVerdict(NodeModel model, List<String> chainIds, Flow flow) {
    for (String id : chainIds) {
      PolicyChainFact chain = model.chains().get(id);
      if (chain == null) {
        return TierAction.DENY;
      }
      IpAddress peer = chain.direction() == Direction.INGRESS ? flow.src().ip() : flow.dst().ip();
      for (Clause c : chain.clauses()) {
        if (c.appliesTo(flow.family()) && clauseMatches(model, c, peer, flow)) {
          return c.verdict() == TierAction.PASS ? null : c.verdict();
        }
      }
    }
    return null;
  }

  private static boolean anyChainAllows(NodeModel model, List<String> chainIds, Flow flow) {
    for (String id : chainIds) {
      PolicyChainFact chain = model.chains().get(id);
      if (chain == null) {
        continue; // not arrived: no allow from it (fail closed)
      }
      IpAddress peer = chain.direction() == Direction.INGRESS ? flow.src().ip() : flow.dst().ip();
      for (Clause c : chain.clauses()) {
        if (c.appliesTo(flow.family()) && clauseMatches(model, c, peer, flow)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean clauseMatches(NodeModel model, Clause c, IpAddress peer, Flow flow) {
    if (c.peerSet() != null && !peerSetContains(model, c.peerSet(), peer)) {
      return false;
    }
    if (c.namedPortSet() != null) {
      if (c.namedPortSet().kind() != SetKind.NAMED_PORT) {
        throw new IllegalStateException(
            "named-port reference to a " + c.namedPortSet().kind() + " set: " + c);
      }
      SetEntry wanted = SetEntry.ipPort(flow.dst().ip(), flow.protocol(), flow.port());
      if (!members(model, c.namedPortSet()).contains(wanted)) {
        return false;
      }
    }
    if (c.protocol() != null && c.protocol() != flow.protocol()) {
      return false;
    }
    if (c.fromPort() != null) {
      if (c.protocol() == null) {
        throw new IllegalStateException("a port without a protocol cannot be rendered: " + c);
      }
      int to = c.toPort() == null ? c.fromPort() : c.toPort();
      return c.fromPort() <= flow.port() && flow.port() <= to;
    }
    return true;
  }

  private static boolean peerSetContains(NodeModel model, SetRef ref, IpAddress ip) {
    SortedSet<SetEntry> members = members(model, ref);
    switch (ref.kind()) {
      case POD_IPS:
      case NODE_IPS:
        return members.contains(SetEntry.ip(ip));
      case IP_BLOCK:
        return hashNetMatches(members, ip, ref);
      default:
        throw new IllegalStateException("peer reference to a " + ref.kind() + " set: " + ref);
    }
  }

  /** ipset {@code hash:net}: the most specific entry containing the address decides. */
  private static boolean hashNetMatches(SortedSet<SetEntry> members, IpAddress ip, SetRef ref) {
    SetEntry best = null;
    for (SetEntry e : members) {
      if (e.prefix().length() == 0) {
        throw new IllegalStateException(
            "hash:net refuses a zero-length prefix: " + e + " in " + ref);
      }
      if (e.protocol() != null) {
        throw new IllegalStateException("hash:net entry with a port: " + e + " in " + ref);
      }
      if (!e.prefix().contains(ip)) {
        continue;
      }
      if (best != null && best.prefix().length() == e.prefix().length()) {
        throw new IllegalStateException("hash:net holds " + e.prefix() + " twice in " + ref);
      }
      if (best == null || e.prefix().length() > best.prefix().length()) {
        best = e;
      }
    }
    return best != null && !best.nomatch();
  }

  private static SortedSet<SetEntry> members(NodeModel model, SetRef ref) {
    SortedSet<SetEntry> s = model.sets().get(ref);
    if (s == null) {
      throw new IllegalStateException(
          "node " + model.node() + " lacks set " + ref + " that a chain uses");
    }
    return s;
  }
}
