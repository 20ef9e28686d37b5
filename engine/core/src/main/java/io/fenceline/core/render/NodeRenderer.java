package io.fenceline.core.render;

import io.fenceline.core.facts.Clause;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.facts.SetEntry;
import io.fenceline.core.facts.SetRef;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.Protocol;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * Renders a {@link NodeModel} into restore payloads. Pure and byte-deterministic.
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

  private static final String MARK = String.format("0x%x", KernelNames.ALLOW_MARK);

  private NodeRenderer() {}

  public static NodePayload render(NodeModel model) {
    return new NodePayload(
        model.node(), renderIpsets(model), renderFilter(model, 4), renderFilter(model, 6));
  }

  // ---- ipset ----------------------------------------------------------------------------------

  static String renderIpsets(NodeModel model) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<SetRef, SortedSet<SetEntry>> e : model.sets().entrySet()) {
      SetRef ref = e.getKey();
      for (int family : new int[] {4, 6}) {
        if (!ref.existsIn(family)) {
          continue;
        }
        String name = KernelNames.set(ref, family);
        String temp = KernelNames.tempSet(ref, family);
        String spec = ref.kind().ipsetType() + " family " + (family == 4 ? "inet" : "inet6")
            + " hashsize 1024 maxelem " + MAX_ELEMENTS;
        sb.append("create ").append(name).append(' ').append(spec).append(" -exist\n");
        sb.append("create ").append(temp).append(' ').append(spec).append(" -exist\n");
        sb.append("flush ").append(temp).append('\n');
        for (SetEntry entry : e.getValue()) {
          if (entry.family() == family) {
            sb.append("add ").append(temp).append(' ').append(entry.ipsetText()).append('\n');
          }
        }
        sb.append("swap ").append(temp).append(' ').append(name).append('\n');
        sb.append("destroy ").append(temp).append('\n');
      }
    }
    return sb.toString();
  }

  // ---- iptables -------------------------------------------------------------------------------

  static String renderFilter(NodeModel model, int family) {
    StringBuilder decl = new StringBuilder();
    StringBuilder rules = new StringBuilder();
    decl.append("# fenceline payload for node ").append(Comments.sanitize(model.node()))
        .append(" (IPv").append(family).append("); apply with ip")
        .append(family == 4 ? "" : "6").append("tables-restore --noflush\n");
    decl.append("*filter\n");
    decl.append(':').append(KernelNames.ROOT_CHAIN).append(" - [0:0]\n");

    String root = KernelNames.ROOT_CHAIN;
    rules.append("-A ").append(root).append(" -m conntrack --ctstate RELATED,ESTABLISHED ")
        .append(Comments.option("fenceline: replies of allowed connections")).append(" -j RETURN\n");
    for (Direction d : List.of(Direction.EGRESS, Direction.INGRESS)) {
      for (PodBindingFact b : model.bindings()) {
        if (!isolated(b, d)) {
          continue;
        }
        for (IpAddress ip : b.ips()) {
          if (ip.family() != family) {
            continue;
          }
          rules.append("-A ").append(root).append(d == Direction.EGRESS ? " -s " : " -d ")
              .append(ip).append(family == 4 ? "/32 " : "/128 ")
              .append(Comments.option(b.pod() + " " + d.lowerName()))
              .append(" -j ").append(KernelNames.podChain(d, b.pod())).append('\n');
        }
      }
    }
    rules.append("-A ").append(root).append(" -m mark --mark ").append(MARK).append('/').append(MARK)
        .append(' ').append(Comments.option("fenceline: clear the allow mark"))
        .append(" -j MARK --set-xmark 0x0/").append(MARK).append('\n');

    for (PodBindingFact b : model.bindings()) {
      for (Direction d : List.of(Direction.INGRESS, Direction.EGRESS)) {
        if (!isolated(b, d) || b.ips().stream().noneMatch(ip -> ip.family() == family)) {
          continue;
        }
        String chain = KernelNames.podChain(d, b.pod());
        decl.append(':').append(chain).append(" - [0:0]\n");
        String who = b.pod() + " " + d.lowerName();
        rules.append("-A ").append(chain).append(" -m conntrack --ctstate INVALID ")
            .append(Comments.option(who + ": invalid packet")).append(" -j DROP\n");
        rules.append("-A ").append(chain).append(" -j MARK --set-xmark 0x0/").append(MARK).append('\n');
        List<String> ids = d == Direction.INGRESS ? b.ingressChains() : b.egressChains();
        for (String id : ids) {
          PolicyChainFact pc = model.chains().get(id);
          if (pc == null) {
            continue; // not arrived: no allow from it (fail closed)
          }
          rules.append("-A ").append(chain).append(' ').append(Comments.option(who + ": " + pc.policy()))
              .append(" -j ").append(KernelNames.policyChain(id)).append('\n');
        }
        rules.append("-A ").append(chain).append(" -m mark --mark ").append(MARK).append('/').append(MARK)
            .append(' ').append(Comments.option(who + ": allowed")).append(" -j RETURN\n");
        rules.append("-A ").append(chain).append(" -p tcp ").append(Comments.option(who + ": no policy allows"))
            .append(" -j REJECT --reject-with tcp-reset\n");
        rules.append("-A ").append(chain).append(' ').append(Comments.option(who + ": no policy allows"))
            .append(" -j REJECT --reject-with ").append(family == 4 ? "icmp-port-unreachable" : "icmp6-port-unreachable")
            .append('\n');
      }
    }

    for (PolicyChainFact pc : model.chains().values()) {
      String chain = KernelNames.policyChain(pc.id());
      decl.append(':').append(chain).append(" - [0:0]\n");
      String peerDir = pc.direction() == Direction.INGRESS ? "src" : "dst";
      for (Clause c : pc.clauses()) {
        if (!c.appliesTo(family)) {
          continue;
        }
        rules.append("-A ").append(chain);
        if (c.peerSet() != null) {
          rules.append(" -m set --match-set ").append(KernelNames.set(c.peerSet(), family)).append(' ').append(peerDir);
        }
        if (c.namedPortSet() != null) {
          rules.append(" -m set --match-set ").append(KernelNames.set(c.namedPortSet(), family)).append(" dst,dst");
        }
        if (c.protocol() != null) {
          Protocol p = c.protocol();
          rules.append(" -p ").append(p.kernelName());
          if (c.fromPort() != null) {
            rules.append(" -m ").append(p.kernelName()).append(" --dport ").append(c.fromPort());
            if (!c.fromPort().equals(c.toPort())) {
              rules.append(':').append(c.toPort());
            }
          }
        }
        rules.append(' ').append(Comments.option(c.comment()))
            .append(" -j MARK --set-xmark ").append(MARK).append('/').append(MARK).append('\n');
      }
    }

    rules.append("-I FORWARD 1 ").append(Comments.option("fenceline: NetworkPolicy enforcement"))
        .append(" -j ").append(root).append('\n');
    rules.append("COMMIT\n");
    return decl.append(rules).toString();
  }

  private static boolean isolated(PodBindingFact b, Direction d) {
    return d == Direction.INGRESS ? b.ingressIsolated() : b.egressIsolated();
  }
}
