package io.fenceline.core.testing;

import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.ContainerPort;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.LabelSelector;
import io.fenceline.core.model.LabelSelector.Operator;
import io.fenceline.core.model.LabelSelector.Requirement;
import io.fenceline.core.model.Namespace;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.Node;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.PodPhase;
import io.fenceline.core.model.PolicyPeer;
import io.fenceline.core.model.PolicyPort;
import io.fenceline.core.model.PolicyRule;
import io.fenceline.core.model.Protocol;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of small, dense clusters: few label keys and values, few ports and addresses, so
 * that selectors, ipBlocks and named ports hit and miss often. Every generated object is valid as
 * the API server would accept it (e.g. an ipBlock's excepts are strict subsets of its CIDR).
 *
 * <p>Embedded edge cases are switched off for whole pods, policies and rules: jqwik would otherwise
 * inject them so often (a quarter of all policies failed closed, many with no rules) that few
 * clusters isolate anything.
 *
 * <p>Addresses: running pod {@code i} has {@code 10.244.1.(10+i)} (and {@code fd00::(10+i)} when
 * dual-stack); host-network pod {@code i} has {@code 172.18.0.(10+i)} ({@code fd01::(10+i)}); a
 * finished pod may hold the address of another pod (addresses are reused at once).
 *
 * <p>Not the fleet generator ({@code fleet/}, {@code io.fenceline.fleet.FleetGenerator}) on
 * purpose: these are jqwik arbitraries that shrink a failing cluster to a minimal one, and they aim
 * at the compiler's edge cases (dense labels, reused addresses, failed-closed policies, every
 * protocol and port form) rather than at a realistic fleet; and the core's tests cannot depend on a
 * module above the core.
 */
public final class RandomClusters {
  private RandomClusters() {}

  public static final List<String> NODES = List.of("node-1", "node-2");
  public static final List<Integer> PORTS = List.of(80, 81, 8080);

  static final Map<String, List<String>> POD_LABELS =
      Map.of("app", List.of("a", "b"), "tier", List.of("web", "db"));
  private static final Map<String, List<String>> NS_LABELS =
      Map.of("team", List.of("x", "y"), "env", List.of("x", "y"));
  static final Map<String, List<String>> NODE_LABELS =
      Map.of("zone", List.of("a", "b"), "kubernetes.io/os", List.of("linux"));
  static final Map<String, List<String>> NS_SELECTOR_LABELS =
      Map.of(
          "team",
          List.of("x", "y"),
          "env",
          List.of("x", "y"),
          Namespace.NAME_LABEL,
          List.of("ns-0", "ns-1", "ns-2"));

  private static final List<String> CIDRS =
      List.of(
          "10.244.1.0/24",
          "10.244.1.8/29",
          "10.244.1.12/30",
          "10.244.0.0/16",
          "10.244.1.11/32",
          "0.0.0.0/0",
          "0.0.0.0/0",
          "192.0.2.0/24",
          "172.18.0.0/24",
          "::/0",
          "::/0",
          "fd00::/64",
          "fd00::8/125",
          "2001:db8::/32");

  /** Addresses excepts are cut around: pods, host-network pods and externals. */
  private static final List<String> INTERESTING =
      List.of(
          "10.244.1.10",
          "10.244.1.12",
          "10.244.1.13",
          "10.244.1.15",
          "10.244.1.200",
          "192.0.2.7",
          "172.18.0.12",
          "fd00::a",
          "fd00::c",
          "fd00::d",
          "fd00::c8",
          "2001:db8::7",
          "fd01::c");

  private static final List<Integer> EXCEPT_LENGTHS =
      List.of(1, 8, 16, 25, 30, 31, 32, 64, 120, 126, 127, 128);
  private static final List<String> EXTERNALS =
      List.of("10.244.1.200", "192.0.2.7", "2001:db8::7", "fd00::c8");

  enum Life {
    RUNNING,
    PENDING_WITHOUT_IP,
    HOST_NETWORK,
    FINISHED
  }

  record PodSpec(
      int ns,
      Map<String, String> labels,
      int node,
      boolean dualStack,
      Life life,
      int reuse,
      List<ContainerPort> ports) {}

  record PolicySpec(
      int ns,
      LabelSelector podSelector,
      int types,
      List<PolicyRule> ingress,
      List<PolicyRule> egress,
      boolean failedClosed) {}

  // ---- the cluster ----------------------------------------------------------------------------

  public static Arbitrary<ClusterState> clusters() {
    Arbitrary<Integer> nsCount = Arbitraries.integers().between(2, 3);
    Arbitrary<List<Map<String, String>>> nsLabels = labelMaps(NS_LABELS).list().ofSize(3);
    Arbitrary<List<PodSpec>> pods =
        podSpecs()
            .list()
            .ofMinSize(3)
            .ofMaxSize(8)
            .withSizeDistribution(RandomDistribution.uniform());
    // most clusters get at least one policy: without one every flow is allowed
    Arbitrary<List<PolicySpec>> policies =
        Arbitraries.frequencyOf(
            Tuple.of(1, policySpecs().list().ofMaxSize(0)),
            Tuple.of(
                7,
                policySpecs()
                    .list()
                    .ofMinSize(1)
                    .ofMaxSize(4)
                    .withSizeDistribution(RandomDistribution.uniform())));
    // a node without labels may also have no object at all (a manifest may lack it)
    Arbitrary<List<Map<String, String>>> nodeLabels =
        Arbitraries.oneOf(labelMaps(NODE_LABELS), Arbitraries.just((Map<String, String>) null))
            .list()
            .ofSize(NODES.size());
    return Combinators.combine(
            nsCount, nsLabels, pods, policies, RandomTiers.policies(), nodeLabels)
        .as(RandomClusters::build);
  }

  /** One or two addresses outside every pod. */
  public static Arbitrary<List<IpAddress>> externals() {
    return Arbitraries.of(EXTERNALS)
        .list()
        .ofMinSize(1)
        .ofMaxSize(2)
        .uniqueElements()
        .map(l -> l.stream().map(IpAddress::parse).toList());
  }

  static ClusterState build(
      int nsCount,
      List<Map<String, String>> nsLabels,
      List<PodSpec> podSpecs,
      List<PolicySpec> policySpecs,
      List<ClusterNetworkPolicy> clusterPolicies,
      List<Map<String, String>> nodeLabels) {
    List<Namespace> namespaces = new ArrayList<>();
    for (int i = 0; i < nsCount; i++) {
      namespaces.add(Namespace.of("ns-" + i, nsLabels.get(i)));
    }
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < podSpecs.size(); i++) {
      pods.add(pod(i, podSpecs.get(i), nsCount, podSpecs.size()));
    }
    List<NetworkPolicy> policies = new ArrayList<>();
    for (int i = 0; i < policySpecs.size(); i++) {
      policies.add(policy(i, policySpecs.get(i), nsCount));
    }
    List<Node> nodes = new ArrayList<>();
    for (int n = 0; n < NODES.size(); n++) {
      if (nodeLabels.get(n) == null) {
        continue;
      }
      // A node reports the addresses of its host-network pods (each has its own address here).
      String name = NODES.get(n);
      List<IpAddress> addresses = new ArrayList<>();
      pods.stream()
          .filter(p -> p.hostNetwork() && name.equals(p.nodeName()))
          .forEach(p -> addresses.addAll(p.ips()));
      nodes.add(Node.of(name, nodeLabels.get(n), addresses));
    }
    return new ClusterState(namespaces, pods, policies, clusterPolicies, nodes);
  }

  private static Pod pod(int i, PodSpec s, int nsCount, int podCount) {
    List<IpAddress> ips = new ArrayList<>();
    PodPhase phase = PodPhase.RUNNING;
    boolean hostNetwork = false;
    switch (s.life()) {
      case RUNNING -> ips.addAll(podIps(i, s.dualStack()));
      case PENDING_WITHOUT_IP -> phase = PodPhase.PENDING;
      case HOST_NETWORK -> {
        hostNetwork = true;
        ips.add(IpAddress.parse("172.18.0." + (10 + i)));
        if (s.dualStack()) {
          ips.add(IpAddress.parse("fd01::" + Integer.toHexString(10 + i)));
        }
      }
      case FINISHED -> {
        phase = s.reuse() % 2 == 0 ? PodPhase.SUCCEEDED : PodPhase.FAILED;
        ips.addAll(podIps(s.reuse() % 3 == 0 ? i : s.reuse() % podCount, s.dualStack()));
      }
    }
    return Pod.of(
        ObjectKey.of("ns-" + (s.ns() % nsCount), "p" + i),
        s.labels(),
        ips,
        NODES.get(s.node()),
        phase,
        hostNetwork,
        s.ports());
  }

  private static List<IpAddress> podIps(int i, boolean dual) {
    List<IpAddress> ips = new ArrayList<>();
    ips.add(IpAddress.parse("10.244.1." + (10 + i)));
    if (dual) {
      ips.add(IpAddress.parse("fd00::" + Integer.toHexString(10 + i)));
    }
    return ips;
  }

  private static NetworkPolicy policy(int i, PolicySpec s, int nsCount) {
    Set<Direction> types =
        switch (s.types()) {
          case 0 ->
              s.egress().isEmpty()
                  ? EnumSet.of(Direction.INGRESS)
                  : EnumSet.of(Direction.INGRESS, Direction.EGRESS);
          case 1 -> EnumSet.of(Direction.INGRESS);
          case 2 -> EnumSet.of(Direction.EGRESS);
          default -> EnumSet.of(Direction.INGRESS, Direction.EGRESS);
        };
    return new NetworkPolicy(
        ObjectKey.of("ns-" + (s.ns() % nsCount), "np" + i),
        s.podSelector(),
        types,
        s.failedClosed() ? List.of() : s.ingress(),
        s.failedClosed() ? List.of() : s.egress(),
        s.failedClosed());
  }

  // ---- pods -----------------------------------------------------------------------------------

  static Arbitrary<PodSpec> podSpecs() {
    Arbitrary<Life> life =
        Arbitraries.frequencyOf(
            Tuple.of(14, Arbitraries.just(Life.RUNNING)),
            Tuple.of(1, Arbitraries.just(Life.PENDING_WITHOUT_IP)),
            Tuple.of(2, Arbitraries.just(Life.HOST_NETWORK)),
            Tuple.of(3, Arbitraries.just(Life.FINISHED)));
    return Combinators.combine(
            Arbitraries.integers().between(0, 2),
            labelMaps(POD_LABELS).filter(m -> !m.isEmpty()),
            Arbitraries.integers().between(0, NODES.size() - 1),
            chance(1, 3),
            life,
            Arbitraries.integers().between(0, 7),
            containerPorts().list().ofMaxSize(3))
        .as(PodSpec::new)
        .withoutEdgeCases();
  }

  static Arbitrary<ContainerPort> containerPorts() {
    return Combinators.combine(
            Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just("http")),
                Tuple.of(3, Arbitraries.just("metrics")),
                Tuple.of(1, Arbitraries.just((String) null))),
            Arbitraries.of(PORTS),
            protocols())
        .as(ContainerPort::new);
  }

  // ---- policies -------------------------------------------------------------------------------

  static Arbitrary<PolicySpec> policySpecs() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 2),
            selectors(POD_LABELS),
            Arbitraries.integers().between(0, 3),
            rules().list().ofMaxSize(2),
            rules().list().ofMaxSize(2),
            chance(1, 12))
        .as(PolicySpec::new)
        .withoutEdgeCases();
  }

  static Arbitrary<PolicyRule> rules() {
    return Combinators.combine(peers().list().ofMaxSize(2), policyPorts().list().ofMaxSize(2))
        .as(PolicyRule::new)
        .withoutEdgeCases();
  }

  static Arbitrary<PolicyPeer> peers() {
    Arbitrary<PolicyPeer> pods = selectors(POD_LABELS).map(s -> new PolicyPeer.Selector(null, s));
    Arbitrary<PolicyPeer> namespaces =
        selectors(NS_SELECTOR_LABELS).map(s -> new PolicyPeer.Selector(s, null));
    Arbitrary<PolicyPeer> both =
        Combinators.combine(selectors(NS_SELECTOR_LABELS), selectors(POD_LABELS))
            .as(PolicyPeer.Selector::new);
    return Arbitraries.frequencyOf(
        Tuple.of(3, pods), Tuple.of(2, namespaces), Tuple.of(2, both), Tuple.of(3, ipBlocks()));
  }

  /** An ipBlock whose excepts are strict subsets of its CIDR, cut around interesting addresses. */
  static Arbitrary<PolicyPeer> ipBlocks() {
    return Arbitraries.of(CIDRS)
        .map(IpPrefix::parse)
        .flatMap(
            cidr -> {
              List<IpAddress> around =
                  INTERESTING.stream()
                      .map(IpAddress::parse)
                      .filter(ip -> ip.family() == cidr.family() && cidr.contains(ip))
                      .toList();
              List<Integer> lengths = new ArrayList<>();
              for (int len : EXCEPT_LENGTHS) {
                if (len > cidr.length() && len <= cidr.address().bitLength()) {
                  lengths.add(len);
                }
              }
              if (cidr.length() + 1 <= cidr.address().bitLength()
                  && !lengths.contains(cidr.length() + 1)) {
                lengths.add(cidr.length() + 1);
              }
              if (around.isEmpty() || lengths.isEmpty()) {
                return Arbitraries.just((PolicyPeer) new PolicyPeer.IpBlock(cidr, List.of()));
              }
              Arbitrary<IpPrefix> except =
                  Combinators.combine(Arbitraries.of(around), Arbitraries.of(lengths))
                      .as(IpPrefix::new);
              return except
                  .list()
                  .ofMaxSize(2)
                  .uniqueElements()
                  .map(ex -> (PolicyPeer) new PolicyPeer.IpBlock(cidr, ex));
            });
  }

  static Arbitrary<PolicyPort> policyPorts() {
    Arbitrary<PolicyPort> number =
        Combinators.combine(protocols(), Arbitraries.of(PORTS)).as(PolicyPort::number);
    Arbitrary<PolicyPort> range =
        Combinators.combine(
                protocols(),
                Arbitraries.of(List.of(List.of(80, 81), List.of(81, 8080), List.of(80, 8080))))
            .as((p, r) -> PolicyPort.range(p, r.get(0), r.get(1)));
    Arbitrary<PolicyPort> named =
        Combinators.combine(protocols(), Arbitraries.of("http", "metrics", "nope"))
            .as(PolicyPort::named);
    Arbitrary<PolicyPort> all = protocols().map(PolicyPort::allPorts);
    return Arbitraries.frequencyOf(
        Tuple.of(3, number), Tuple.of(1, range), Tuple.of(3, named), Tuple.of(1, all));
  }

  static Arbitrary<Protocol> protocols() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(Protocol.TCP)),
        Tuple.of(2, Arbitraries.just(Protocol.UDP)),
        Tuple.of(1, Arbitraries.just(Protocol.SCTP)));
  }

  /** True {@code yes} times in {@code yes + no}. */
  static Arbitrary<Boolean> chance(int yes, int no) {
    return Arbitraries.frequencyOf(
        Tuple.of(yes, Arbitraries.just(true)), Tuple.of(no, Arbitraries.just(false)));
  }

  // ---- labels and selectors -------------------------------------------------------------------

  static Arbitrary<Map<String, String>> labelMaps(Map<String, List<String>> vocabulary) {
    List<String> keys = vocabulary.keySet().stream().sorted().toList();
    Arbitrary<String> key = Arbitraries.of(keys);
    return key.flatMap(k -> Arbitraries.of(vocabulary.get(k)).map(v -> Map.entry(k, v)))
        .list()
        .ofMaxSize(keys.size())
        .map(
            entries -> {
              Map<String, String> m = new java.util.TreeMap<>();
              entries.forEach(e -> m.put(e.getKey(), e.getValue()));
              return m;
            });
  }

  static Arbitrary<LabelSelector> selectors(Map<String, List<String>> vocabulary) {
    List<String> keys = vocabulary.keySet().stream().sorted().toList();
    Arbitrary<Map<String, String>> oneLabel =
        Arbitraries.of(keys).flatMap(k -> Arbitraries.of(vocabulary.get(k)).map(v -> Map.of(k, v)));
    Arbitrary<Requirement> requirement =
        Arbitraries.of(keys)
            .flatMap(
                k -> {
                  List<String> values = new ArrayList<>(vocabulary.get(k));
                  values.add("other");
                  return Combinators.combine(
                          Arbitraries.of(Operator.values()),
                          Arbitraries.of(values).list().ofMinSize(1).ofMaxSize(2).uniqueElements())
                      .as(
                          (op, vs) ->
                              new Requirement(
                                  k,
                                  op,
                                  op == Operator.IN || op == Operator.NOT_IN ? vs : List.of()));
                });
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(LabelSelector.EVERYTHING)),
        Tuple.of(3, oneLabel.map(LabelSelector::matchLabels)),
        Tuple.of(2, requirement.map(r -> new LabelSelector(Map.of(), List.of(r)))),
        Tuple.of(
            1,
            Combinators.combine(oneLabel, requirement)
                .as((m, r) -> new LabelSelector(m, List.of(r)))));
  }
}
