package io.fenceline.core.render;

import io.fenceline.core.facts.Clause;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.facts.SetRef;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link NodeModel} into the node's kernel state. Pure and byte-deterministic.
 *
 * <p>The filter table gets one jump at position 1 of FORWARD into {@code FNL-FORWARD}, which lets
 * replies of allowed connections through, sends traffic from an egress-isolated local pod IP to its
 * {@code FNL-OUT-} chain and traffic to an ingress-isolated local pod IP to its {@code FNL-IN-}
 * chain. A pod chain drops INVALID packets, clears the allow mark, jumps to each policy chain (a
 * matching clause sets the mark), RETURNs if marked and otherwise REJECTs. Allowed traffic RETURNs
 * and is checked again on the other side, so same-node traffic needs both egress and ingress
 * allowed; fenceline itself never ACCEPTs, leaving the rest of FORWARD to the node's own agents.
 * Pod-to-own-node traffic never crosses FORWARD, so it is always allowed.
 *
 * <p>Rule count grows with local pods and the policies selecting them, never with peer pods: peers
 * are ipset members.
 */
public final class NodeRenderer {
  /** {@code maxelem} of every set: room for any cluster (memory grows with entries, not this). */
  public static final int MAX_ELEMENTS = 1 << 20;

  static final String MARK = String.format("0x%x", KernelNames.ALLOW_MARK);
  static final String VERDICTS = hex(KernelNames.VERDICT_MARKS);
  static final String ALL_MARKS = hex(KernelNames.ALL_MARKS);
  static final String FORWARD_JUMP =
      "-I FORWARD 1 "
          + Comments.option("fenceline: NetworkPolicy enforcement")
          + " -j "
          + KernelNames.ROOT_CHAIN;

  private NodeRenderer() {}

  /** The full payload ({@code fenceline compile}'s contract). */
  public static NodePayload render(NodeModel model) {
    return PayloadText.full(structure(model));
  }

  /** The node's desired state, structured. */
  public static RenderedNode structure(NodeModel model) {
    return rules(model).filled(model);
  }

  /**
   * The node's chains and the sets they reference, without members: what an applier re-renders when
   * a binding or chain changed, at a cost that grows with the node's rules, never with the members
   * of its sets. {@code model}'s set members are not read.
   */
  public static Structure rules(NodeModel model) {
    return rules(model, RuleCache.NONE);
  }

  /**
   * {@link #rules(NodeModel)}, reusing from {@code cache} the chains of pods and policies whose
   * facts did not change since the cache's last render (the same rule lists, so comparing them with
   * what was applied is cheap too).
   */
  public static Structure rules(NodeModel model, RuleCache cache) {
    Map<String, List<String>> chains4 = chains(model, 4, cache);
    Map<String, List<String>> chains6 = chains(model, 6, cache);
    return new Structure(
        new RenderedNode(model.node(), List.of(), chains4, chains6, FORWARD_JUMP),
        slots(model, chains4, chains6));
  }

  /** A node's rules ({@code chains}: a rendered node without sets) and the sets they reference. */
  public record Structure(RenderedNode chains, List<SetSlot> slots) {
    public Structure {
      slots = List.copyOf(slots);
    }

    /** The whole rendered node: these rules and their sets with the members {@code model} holds. */
    public RenderedNode filled(NodeModel model) {
      List<KernelSet> sets = new ArrayList<>();
      for (SetSlot slot : slots) {
        sets.add(
            slot.withMembers(
                model.sets().getOrDefault(slot.ref(), java.util.Collections.emptySortedSet())));
      }
      return new RenderedNode(
          chains.node(), sets, chains.chains4(), chains.chains6(), chains.forwardJump());
    }
  }

  // ---- ipset ----------------------------------------------------------------------------------

  /**
   * The sets a family's rules reference, in that family only (a v4-only node gets no v6 sets), in
   * the order of the model's sets, IPv4 before IPv6.
   */
  static List<SetSlot> slots(
      NodeModel model, Map<String, List<String>> chains4, Map<String, List<String>> chains6) {
    java.util.Set<String> used = new java.util.HashSet<>();
    for (Map<String, List<String>> chains : List.of(chains4, chains6)) {
      for (List<String> rules : chains.values()) {
        for (String r : rules) {
          int i = r.indexOf("--match-set ");
          while (i >= 0) {
            int start = i + "--match-set ".length();
            used.add(r.substring(start, r.indexOf(' ', start)));
            i = r.indexOf("--match-set ", start);
          }
        }
      }
    }
    List<SetSlot> out = new ArrayList<>();
    for (SetRef ref : model.sets().keySet()) {
      for (int family : new int[] {4, 6}) {
        if (ref.existsIn(family) && used.contains(KernelNames.set(ref, family))) {
          out.add(SetSlot.of(ref, family));
        }
      }
    }
    return out;
  }

  // ---- iptables -------------------------------------------------------------------------------

  static Map<String, List<String>> chains(NodeModel model, int family) {
    return chains(model, family, RuleCache.NONE);
  }

  static Map<String, List<String>> chains(NodeModel model, int family, RuleCache cache) {
    Map<String, List<String>> chains = new LinkedHashMap<>();
    String root = KernelNames.ROOT_CHAIN;
    List<String> rootRules = new ArrayList<>();
    chains.put(root, rootRules);
    rootRules.add(
        "-A "
            + root
            + " -m conntrack --ctstate RELATED,ESTABLISHED "
            + Comments.option("fenceline: replies of allowed connections")
            + " -j RETURN");
    boolean tiered = false;
    for (Direction d : List.of(Direction.EGRESS, Direction.INGRESS)) {
      for (PodBindingFact b : model.bindings()) {
        if (!b.enforced(d)) {
          continue;
        }
        tiered |= !b.tiers(d).isEmpty();
        for (IpAddress ip : b.ips()) {
          if (ip.family() == family) {
            rootRules.add(
                "-A "
                    + root
                    + (d == Direction.EGRESS ? " -s " : " -d ")
                    + ip
                    + (family == 4 ? "/32 " : "/128 ")
                    + Comments.option(b.pod() + " " + d.lowerName())
                    + " -j "
                    + KernelNames.podChain(d, b.pod()));
          }
        }
      }
    }
    // A node without ClusterNetworkPolicy subjects keeps the rule it always had.
    rootRules.add(
        tiered
            ? "-A "
                + root
                + " -m mark ! --mark 0x0/"
                + ALL_MARKS
                + " "
                + Comments.option("fenceline: clear its marks")
                + " -j MARK --set-xmark 0x0/"
                + ALL_MARKS
            : "-A "
                + root
                + " -m mark --mark "
                + MARK
                + "/"
                + MARK
                + " "
                + Comments.option("fenceline: clear the allow mark")
                + " -j MARK --set-xmark 0x0/"
                + MARK);

    java.util.Set<String> jumpedTo = new java.util.HashSet<>();
    for (PodBindingFact b : model.bindings()) {
      for (Direction d : List.of(Direction.INGRESS, Direction.EGRESS)) {
        if (!b.enforced(d) || b.ips().stream().noneMatch(ip -> ip.family() == family)) {
          continue;
        }
        List<String> present = new ArrayList<>();
        for (String id : b.tiers(d).admin()) {
          present.add(tierPresence("admin", id, model, jumpedTo));
        }
        for (String id : d == Direction.INGRESS ? b.ingressChains() : b.egressChains()) {
          PolicyChainFact pc = model.chains().get(id);
          if (pc != null) { // a chain that has not arrived gives no allow (fail closed)
            present.add(id + " " + pc.policy());
            jumpedTo.add(KernelNames.policyChain(id));
          }
        }
        for (String id : b.tiers(d).baseline()) {
          present.add(tierPresence("baseline", id, model, jumpedTo));
        }
        chains.put(
            KernelNames.podChain(d, b.pod()),
            cache.pod(b, d, family, present, () -> podChain(b, d, family, model)));
      }
    }

    for (PolicyChainFact pc : model.chains().values()) {
      String chain = KernelNames.policyChain(pc.id());
      if (!jumpedTo.contains(chain)) {
        continue; // no local pod of this family uses it
      }
      chains.put(chain, cache.policy(pc, family, () -> policyChain(pc, family)));
    }
    cache.rendered(family);
    return chains;
  }

  /** What the rule cache compares for one tier chain of a pod: tier, id, and whether it arrived. */
  private static String tierPresence(
      String tier, String id, NodeModel model, java.util.Set<String> jumpedTo) {
    PolicyChainFact pc = model.chains().get(id);
    if (pc == null) {
      return tier + " " + id + " missing";
    }
    jumpedTo.add(KernelNames.policyChain(id));
    return tier + " " + id + " " + pc.policyLabel();
  }

  /**
   * The chain of one enforced pod in one direction: drop invalid; the Admin tier's chains (an
   * Accept returns, a Deny drops, a Pass or no match goes on); if a NetworkPolicy isolates the pod,
   * its policies (allowed returns, the rest is rejected); otherwise the Baseline tier's chains, and
   * what none decides returns (allowed).
   */
  private static List<String> podChain(PodBindingFact b, Direction d, int family, NodeModel model) {
    String chain = KernelNames.podChain(d, b.pod());
    List<String> rules = new ArrayList<>();
    String who = b.pod() + " " + d.lowerName();
    rules.add(
        "-A "
            + chain
            + " -m conntrack --ctstate INVALID "
            + Comments.option(who + ": invalid packet")
            + " -j DROP");
    boolean tiered = !b.tiers(d).isEmpty();
    rules.add("-A " + chain + " -j MARK --set-xmark 0x0/" + (tiered ? ALL_MARKS : MARK));
    List<String> admin = b.tiers(d).admin();
    if (!admin.isEmpty()) {
      tier(rules, chain, who, "Admin", admin, model);
    }
    if (!b.isolated(d)) {
      List<String> baseline = b.tiers(d).baseline();
      if (!baseline.isEmpty()) {
        if (!admin.isEmpty()) {
          rules.add(
              "-A "
                  + chain
                  + " "
                  + Comments.option(who + ": on to the Baseline tier")
                  + " -j MARK --set-xmark 0x0/"
                  + VERDICTS);
        }
        tier(rules, chain, who, "Baseline", baseline, model);
      }
      return rules; // what no tier decided is allowed: back to the caller
    }
    for (String id : d == Direction.INGRESS ? b.ingressChains() : b.egressChains()) {
      PolicyChainFact pc = model.chains().get(id);
      if (pc != null) { // a chain that has not arrived gives no allow (fail closed)
        rules.add(
            "-A "
                + chain
                + " "
                + Comments.option(who + ": " + pc.policy())
                + " -j "
                + KernelNames.policyChain(id));
      }
    }
    rules.add(
        "-A "
            + chain
            + " -m mark --mark "
            + MARK
            + "/"
            + MARK
            + " "
            + Comments.option(who + ": allowed")
            + " -j RETURN");
    rules.add(
        "-A "
            + chain
            + " -p tcp "
            + Comments.option(who + ": no policy allows")
            + " -j REJECT --reject-with tcp-reset");
    rules.add(
        "-A "
            + chain
            + " "
            + Comments.option(who + ": no policy allows")
            + " -j REJECT --reject-with "
            + (family == 4 ? "icmp-port-unreachable" : "icmp6-port-unreachable"));
    return rules;
  }

  /**
   * One tier's chains in a pod chain, in order, then what their verdict does: Accept returns, Deny
   * drops (as the API says). A chain that has not arrived drops what no earlier chain decided (fail
   * closed).
   */
  private static void tier(
      List<String> rules,
      String chain,
      String who,
      String tier,
      List<String> ids,
      NodeModel model) {
    for (String id : ids) {
      PolicyChainFact pc = model.chains().get(id);
      if (pc != null) {
        rules.add(
            "-A "
                + chain
                + " "
                + Comments.option(who + ": " + tier + " tier " + pc.policyLabel())
                + " -j "
                + KernelNames.policyChain(id));
      } else {
        rules.add(
            "-A "
                + chain
                + " -m mark --mark 0x0/"
                + VERDICTS
                + " "
                + Comments.option(
                    who + ": a chain of the " + tier + " tier has not arrived (fail closed)")
                + " -j DROP");
      }
    }
    String accept = hex(KernelNames.ACCEPT_MARK);
    String deny = hex(KernelNames.DENY_MARK);
    rules.add(
        "-A "
            + chain
            + " -m mark --mark "
            + accept
            + "/"
            + accept
            + " "
            + Comments.option(who + ": accepted by the " + tier + " tier")
            + " -j RETURN");
    // The API's Deny drops (its conformance tests expect a timeout, not a refusal).
    rules.add(
        "-A "
            + chain
            + " -m mark --mark "
            + deny
            + "/"
            + deny
            + " "
            + Comments.option(who + ": denied by the " + tier + " tier")
            + " -j DROP");
  }

  private static String hex(int mark) {
    return String.format("0x%x", mark);
  }

  /**
   * One policy chain's clauses in one family: a NetworkPolicy's each mark what they allow; a
   * ClusterNetworkPolicy's each set their verdict on a packet no earlier clause decided.
   */
  private static List<String> policyChain(PolicyChainFact pc, int family) {
    String chain = KernelNames.policyChain(pc.id());
    List<String> rules = new ArrayList<>();
    String peerDir = pc.direction() == Direction.INGRESS ? "src" : "dst";
    for (Clause c : pc.clauses()) {
      if (!c.appliesTo(family)) {
        continue;
      }
      StringBuilder r = new StringBuilder("-A ").append(chain);
      if (c.verdict() != null) {
        r.append(" -m mark --mark 0x0/").append(VERDICTS);
      }
      if (c.peerSet() != null) {
        r.append(" -m set --match-set ")
            .append(KernelNames.set(c.peerSet(), family))
            .append(' ')
            .append(peerDir);
      }
      if (c.namedPortSet() != null) {
        r.append(" -m set --match-set ")
            .append(KernelNames.set(c.namedPortSet(), family))
            .append(" dst,dst");
      }
      if (c.protocol() != null) {
        Protocol p = c.protocol();
        r.append(" -p ").append(p.kernelName());
        if (c.fromPort() != null) {
          r.append(" -m ").append(p.kernelName()).append(" --dport ").append(c.fromPort());
          if (!c.fromPort().equals(c.toPort())) {
            r.append(':').append(c.toPort());
          }
        }
      }
      r.append(' ').append(Comments.option(c.comment()));
      if (c.verdict() != null) {
        r.append(" -j MARK --set-xmark ")
            .append(hex(KernelNames.verdictMark(c.verdict())))
            .append('/')
            .append(VERDICTS);
      } else {
        r.append(" -j MARK --set-xmark ").append(MARK).append('/').append(MARK);
      }
      rules.add(r.toString());
    }
    return rules;
  }
}
