package io.fenceline.core.testing;

import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.ContainerPort;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.LabelSelector;
import io.fenceline.core.model.LabelSelector.Operator;
import io.fenceline.core.model.LabelSelector.Requirement;
import io.fenceline.core.model.Namespace;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.PodPhase;
import io.fenceline.core.model.PolicyPeer;
import io.fenceline.core.model.PolicyPort;
import io.fenceline.core.model.PolicyRule;
import io.fenceline.core.model.Protocol;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Readable builders for model objects in tests. Only model classes are used, so any test (and the
 * reference model) may use these.
 *
 * <pre>{@code
 * Pod a = pod("x", "a").label("app", "a").ip("10.244.1.11").on("node-1").port("http", 80, TCP).build();
 * NetworkPolicy p = policy("x", "allow-web")
 *     .select(labels("app", "a"))
 *     .ingress(rule().from(podPeer(labels("app", "b"))).port(PolicyPort.number(TCP, 80)))
 *     .build();
 * }</pre>
 *
 * Defaults: a pod is {@code Running} on {@code node-1} with no IP, labels or ports; a policy
 * selects every pod of its namespace and its policy types default as the API server defaults them
 * (Ingress, plus Egress when it has at least one egress rule).
 */
public final class ClusterFixtures {
  private ClusterFixtures() {}

  // ---- objects --------------------------------------------------------------------------------

  public static NamespaceBuilder namespace(String name) {
    return new NamespaceBuilder(name);
  }

  public static PodBuilder pod(String namespace, String name) {
    return new PodBuilder(ObjectKey.of(namespace, name));
  }

  public static PolicyBuilder policy(String namespace, String name) {
    return new PolicyBuilder(ObjectKey.of(namespace, name));
  }

  public static RuleBuilder rule() {
    return new RuleBuilder();
  }

  // ---- selectors and peers --------------------------------------------------------------------

  /**
   * A {@code matchLabels}-only selector from alternating keys and values; none selects everything.
   */
  public static LabelSelector labels(String... keysAndValues) {
    return LabelSelector.matchLabels(map(keysAndValues));
  }

  public static SelectorBuilder selector() {
    return new SelectorBuilder();
  }

  /** Peer: pods of the policy's own namespace chosen by {@code podSelector}. */
  public static PolicyPeer.Selector podPeer(LabelSelector podSelector) {
    return new PolicyPeer.Selector(null, podSelector);
  }

  /** Peer: every pod of the namespaces {@code namespaceSelector} matches. */
  public static PolicyPeer.Selector namespacePeer(LabelSelector namespaceSelector) {
    return new PolicyPeer.Selector(namespaceSelector, null);
  }

  /** Peer: pods chosen by both selectors (AND). */
  public static PolicyPeer.Selector peer(
      LabelSelector namespaceSelector, LabelSelector podSelector) {
    return new PolicyPeer.Selector(namespaceSelector, podSelector);
  }

  public static PolicyPeer.IpBlock ipBlock(String cidr, String... except) {
    return new PolicyPeer.IpBlock(
        IpPrefix.parse(cidr), Arrays.stream(except).map(IpPrefix::parse).toList());
  }

  public static IpAddress ip(String text) {
    return IpAddress.parse(text);
  }

  // ---- changes --------------------------------------------------------------------------------

  public static List<ClusterChange> upserts(Collection<? extends ClusterObject> objects) {
    List<ClusterChange> out = new ArrayList<>();
    for (ClusterObject o : objects) {
      out.add(ClusterChange.upsert(o));
    }
    return out;
  }

  public static List<ClusterChange> upserts(ClusterObject... objects) {
    return upserts(Arrays.asList(objects));
  }

  public static ClusterChange delete(ClusterObject object) {
    return ClusterChange.delete(object.kind(), object.key());
  }

  static Map<String, String> map(String... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("keys and values must alternate");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  // ---- builders -------------------------------------------------------------------------------

  public static final class NamespaceBuilder {
    private final String name;
    private final Map<String, String> labels = new LinkedHashMap<>();

    private NamespaceBuilder(String name) {
      this.name = name;
    }

    public NamespaceBuilder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    public NamespaceBuilder labels(Map<String, String> all) {
      labels.putAll(all);
      return this;
    }

    public Namespace build() {
      return Namespace.of(name, labels);
    }
  }

  public static final class PodBuilder {
    private final ObjectKey key;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<IpAddress> ips = new ArrayList<>();
    private final List<ContainerPort> ports = new ArrayList<>();
    private String node = "node-1";
    private PodPhase phase = PodPhase.RUNNING;
    private boolean hostNetwork;

    private PodBuilder(ObjectKey key) {
      this.key = key;
    }

    public PodBuilder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    public PodBuilder labels(Map<String, String> all) {
      labels.putAll(all);
      return this;
    }

    /** Adds an IP (call twice for a dual-stack pod). */
    public PodBuilder ip(String ip) {
      return ip(IpAddress.parse(ip));
    }

    public PodBuilder ip(IpAddress ip) {
      ips.add(ip);
      return this;
    }

    public PodBuilder on(String nodeName) {
      this.node = nodeName;
      return this;
    }

    public PodBuilder port(String name, int port, Protocol protocol) {
      ports.add(new ContainerPort(name, port, protocol));
      return this;
    }

    public PodBuilder phase(PodPhase p) {
      this.phase = p;
      return this;
    }

    public PodBuilder hostNetwork() {
      this.hostNetwork = true;
      return this;
    }

    public Pod build() {
      return Pod.of(key, labels, ips, node, phase, hostNetwork, ports);
    }
  }

  public static final class PolicyBuilder {
    private final ObjectKey key;
    private LabelSelector podSelector = LabelSelector.EVERYTHING;
    private Set<Direction> types;
    private final List<PolicyRule> ingress = new ArrayList<>();
    private final List<PolicyRule> egress = new ArrayList<>();
    private boolean failedClosed;

    private PolicyBuilder(ObjectKey key) {
      this.key = key;
    }

    public PolicyBuilder select(LabelSelector selector) {
      this.podSelector = selector;
      return this;
    }

    /** Explicit {@code policyTypes}; without this call they default as the API server does. */
    public PolicyBuilder types(Direction... directions) {
      this.types =
          directions.length == 0
              ? EnumSet.noneOf(Direction.class)
              : EnumSet.copyOf(Arrays.asList(directions));
      return this;
    }

    public PolicyBuilder ingress(RuleBuilder... rules) {
      return add(ingress, rules);
    }

    public PolicyBuilder ingress(PolicyRule rule) {
      ingress.add(rule);
      return this;
    }

    public PolicyBuilder egress(RuleBuilder... rules) {
      return add(egress, rules);
    }

    public PolicyBuilder egress(PolicyRule rule) {
      egress.add(rule);
      return this;
    }

    private PolicyBuilder add(List<PolicyRule> to, RuleBuilder... rules) {
      for (RuleBuilder r : rules) {
        to.add(r.build());
      }
      return this;
    }

    /** Marks the policy as failed validation: it keeps its selector and types, and has no rules. */
    public PolicyBuilder failedClosed() {
      this.failedClosed = true;
      return this;
    }

    public NetworkPolicy build() {
      Set<Direction> t = types;
      if (t == null) {
        t = EnumSet.of(Direction.INGRESS);
        if (!egress.isEmpty()) {
          t.add(Direction.EGRESS);
        }
      }
      return new NetworkPolicy(
          key,
          podSelector,
          t,
          failedClosed ? List.of() : ingress,
          failedClosed ? List.of() : egress,
          failedClosed);
    }
  }

  public static final class RuleBuilder {
    private final List<PolicyPeer> peers = new ArrayList<>();
    private final List<PolicyPort> ports = new ArrayList<>();

    private RuleBuilder() {}

    public RuleBuilder from(PolicyPeer... p) {
      peers.addAll(Arrays.asList(p));
      return this;
    }

    public RuleBuilder to(PolicyPeer... p) {
      return from(p);
    }

    public RuleBuilder port(PolicyPort... p) {
      ports.addAll(Arrays.asList(p));
      return this;
    }

    public PolicyRule build() {
      return new PolicyRule(peers, ports);
    }
  }

  public static final class SelectorBuilder {
    private final Map<String, String> matchLabels = new LinkedHashMap<>();
    private final List<Requirement> expressions = new ArrayList<>();

    private SelectorBuilder() {}

    public SelectorBuilder label(String key, String value) {
      matchLabels.put(key, value);
      return this;
    }

    public SelectorBuilder in(String key, String... values) {
      expressions.add(new Requirement(key, Operator.IN, List.of(values)));
      return this;
    }

    public SelectorBuilder notIn(String key, String... values) {
      expressions.add(new Requirement(key, Operator.NOT_IN, List.of(values)));
      return this;
    }

    public SelectorBuilder exists(String key) {
      expressions.add(new Requirement(key, Operator.EXISTS, List.of()));
      return this;
    }

    public SelectorBuilder doesNotExist(String key) {
      expressions.add(new Requirement(key, Operator.DOES_NOT_EXIST, List.of()));
      return this;
    }

    public LabelSelector build() {
      return new LabelSelector(matchLabels, expressions);
    }
  }
}
