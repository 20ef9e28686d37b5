package io.fenceline.core.whatif;

import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.Namespace;
import io.fenceline.core.model.Node;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** One state's objects, indexed the way the comparison reads them. */
final class StateObjects {
  final List<ClusterObject> objects;
  final Map<String, Namespace> namespaces = new HashMap<>();
  final Map<ObjectKey, Pod> pods = new TreeMap<>();
  final Map<IpAddress, List<Node>> nodesByAddress = new HashMap<>();
  final Map<IpAddress, List<ObjectKey>> podsByAddress = new HashMap<>();

  StateObjects(List<? extends ClusterObject> objects) {
    this.objects = List.copyOf(objects);
    for (ClusterObject o : objects) {
      if (o instanceof Namespace n) {
        namespaces.put(n.name(), n);
      } else if (o instanceof Pod p) {
        pods.put(p.key(), p);
        for (IpAddress ip : p.ips()) {
          podsByAddress.computeIfAbsent(ip, k -> new ArrayList<>()).add(p.key());
        }
      } else if (o instanceof Node n) {
        for (IpAddress ip : n.addresses()) {
          nodesByAddress.computeIfAbsent(ip, k -> new ArrayList<>()).add(n);
        }
      }
    }
  }

  /** The labels a namespace selector sees for {@code namespace}. */
  Map<String, String> namespaceLabels(String namespace) {
    Namespace ns = namespaces.get(namespace);
    return ns != null ? ns.labels() : Namespace.of(namespace, Map.of()).labels();
  }
}
