package io.fenceline.cli.up;

import io.fenceline.applier.kernel.CommandRunner;
import io.fenceline.applier.kernel.IptablesBackend;
import io.fenceline.applier.kernel.Netfilter;
import io.fenceline.applier.kernel.ProcessNetfilter;
import io.fenceline.cli.BadInputException;
import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.Node;
import io.fenceline.core.model.Pod;
import io.fenceline.core.render.RenderedNode;
import io.fenceline.sandbox.LabHost;
import io.fenceline.sandbox.LabNode;
import io.fenceline.sandbox.LabSpec;
import io.fenceline.sandbox.NetnsLab;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The manifests' cluster built out of network namespaces on this machine (root): a namespace per
 * node and per pod with its addresses, routed like a real cluster, and a probe agent in each pod.
 * The node appliers program the node namespaces; the host's own firewall is never touched.
 */
public final class NetnsCluster implements AutoCloseable {
  public final NetnsLab lab;

  private NetnsCluster(NetnsLab lab) {
    this.lab = lab;
  }

  static NetnsCluster start(DecodedObjects decoded, Collection<String> nodes) {
    Map<String, String> nodeIps = new HashMap<>();
    List<Pod> pods = new ArrayList<>();
    for (DecodedObjects.Located l : decoded.objects()) {
      ClusterObject o = l.object();
      if (o instanceof Node n) {
        n.addresses().stream()
            .filter(IpAddress::isV4)
            .findFirst()
            .ifPresent(a -> nodeIps.put(n.name(), a.toString()));
      } else if (o instanceof Pod p
          && p.nodeName() != null
          && !p.ips().isEmpty()
          && !p.phase().finished()) {
        pods.add(p);
      }
    }
    List<LabNode> labNodes = new ArrayList<>();
    Map<String, String> cidrOwner = new HashMap<>();
    int i = 0;
    for (String node : nodes) {
      i++;
      String cidr = null;
      for (Pod p : pods) {
        if (p.nodeName().equals(node) && !p.hostNetwork()) {
          IpAddress v4 = p.ips().stream().filter(IpAddress::isV4).findFirst().orElse(null);
          if (v4 != null) {
            String c = v4.masked(24) + "/24";
            if (cidr == null) {
              cidr = c;
            }
            String owner = cidrOwner.putIfAbsent(c, node);
            if (owner != null && !owner.equals(node)) {
              throw new BadInputException(
                  "--netns needs each node's pods in a /24 of their own; "
                      + c
                      + " holds pods of "
                      + owner
                      + " and "
                      + node);
            }
          }
        }
      }
      labNodes.add(
          new LabNode(
              node,
              nodeIps.getOrDefault(node, "10.99.0." + (10 + i)),
              "fd00:99::" + (10 + i),
              cidr == null ? "100.64." + i + ".0/24" : cidr,
              "fd00:10:244:" + i + "::/64"));
    }
    List<LabHost> hosts = new ArrayList<>();
    Set<String> hostNetworkNodes = new HashSet<>();
    for (Pod p : pods) {
      String id = p.key().toString();
      if (p.hostNetwork()) {
        if (hostNetworkNodes.add(p.nodeName())) {
          hosts.add(LabHost.hostNetwork(id, p.nodeName()));
        }
        continue;
      }
      String v4 =
          p.ips().stream().filter(IpAddress::isV4).map(Object::toString).findFirst().orElse(null);
      String v6 =
          p.ips().stream().filter(a -> !a.isV4()).map(Object::toString).findFirst().orElse(null);
      if (v4 != null) {
        hosts.add(new LabHost(id, p.nodeName(), v4, v6, false));
      }
    }
    String prefix = "up" + Long.toString(ProcessHandle.current().pid() % 1296, 36);
    return new NetnsCluster(NetnsLab.start(new LabSpec(prefix, labNodes, hosts)));
  }

  Pipeline.Targets targets() {
    return new Pipeline.Targets() {
      @Override
      public Netfilter netfilter(String node) {
        CommandRunner runner = new CommandRunner(lab.nodeNamespace(node), 60);
        return new ProcessNetfilter(runner, IptablesBackend.detect(runner));
      }

      @Override
      public void applied(String node, RenderedNode rendered) {}

      @Override
      public String describe() {
        return "enforcing in network namespaces "
            + lab.spec().nodes().stream().map(n -> lab.nodeNamespace(n.name())).toList();
      }
    };
  }

  @Override
  public void close() {
    lab.close();
  }
}
