package io.fenceline.core.compile;

import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.facts.SetEntry;
import io.fenceline.core.facts.SetMemberFact;
import io.fenceline.core.facts.TierChains;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.ContainerPort;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.Namespace;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.Node;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.Tier;
import io.fenceline.core.model.TierAction;
import io.fenceline.core.model.TierRule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The incremental policy compiler of one cluster: {@code apply(change) -> fact changes}.
 *
 * <p>It keeps the cluster state plus indexes so that a change costs what it touches: a pod change
 * evaluates the policies of its namespace (is it a target?) and the pod sets in scope of its
 * namespace (is it a member?); a namespace change evaluates the sets with a namespace selector and
 * walks its pods only where a match flipped; a policy change evaluates its namespace's pods and
 * builds or drops its sets; a node change evaluates the node sets. A from-scratch compile is the
 * fold of upserts, in any order.
 *
 * <p>Pure: no I/O, no clock, no threads. Not thread-safe.
 */
public final class PolicyCompiler {
  private final Map<String, Namespace> namespaces = new HashMap<>();
  private final Map<String, Node> nodes = new HashMap<>();
  private final Map<ObjectKey, Pod> pods = new HashMap<>();
  private final Map<String, Set<ObjectKey>> podsByNamespace = new HashMap<>();
  private final Map<ObjectKey, NetworkPolicy> policies = new HashMap<>();
  private final Map<String, Set<ObjectKey>> policiesByNamespace = new HashMap<>();
  private final Map<ObjectKey, Set<ObjectKey>> targetsByPolicy = new HashMap<>();
  private final Map<ObjectKey, SortedSet<ObjectKey>> policiesByTarget = new HashMap<>();
  private final Map<ObjectKey, PodBindingFact> bindings = new HashMap<>();
  private final Map<String, LiveChain> chains = new HashMap<>();
  private final Map<String, LiveSet> sets = new HashMap<>();

  /** ClusterNetworkPolicies in evaluation order: tier, priority, name. */
  private final java.util.TreeSet<ClusterNetworkPolicy> clusterPolicies =
      new java.util.TreeSet<>(TIER_ORDER);

  private final Map<String, ClusterNetworkPolicy> clusterPoliciesByName = new HashMap<>();

  /** ClusterNetworkPolicy chains that are the same for every subject, by policy name. */
  private final Map<String, Map<Direction, ChainBuilder.Built>> sharedTierChains = new HashMap<>();

  /**
   * The order of ClusterNetworkPolicies within a pod's tier chains: Admin before Baseline, then by
   * priority (lower first), then by name (the API leaves equal priorities to the implementation).
   */
  public static final java.util.Comparator<ClusterNetworkPolicy> TIER_ORDER =
      java.util.Comparator.comparing(ClusterNetworkPolicy::tier)
          .thenComparingInt(ClusterNetworkPolicy::priority)
          .thenComparing(ClusterNetworkPolicy::name);

  /** Chains that are the same for every target of a policy, built once per policy version. */
  private final Map<ObjectKey, Map<Direction, ChainBuilder.Built>> sharedChains = new HashMap<>();

  /**
   * Chains that resolve named ports on their target, built once per policy version and list of
   * container ports (a rollout's pods share theirs); at most {@link #PORT_LISTS_PER_POLICY} lists
   * per policy and direction are kept.
   */
  private final Map<ObjectKey, Map<Direction, Map<List<ContainerPort>, ChainBuilder.Built>>>
      targetChains = new HashMap<>();

  private static final int PORT_LISTS_PER_POLICY = 64;

  /** Pod sets without a namespace selector, by the one namespace they look at. */
  private final Map<String, Set<String>> scopedSets = new HashMap<>();

  /** Node sets (a ClusterNetworkPolicy's {@code nodes} peers). */
  private final Set<String> nodeSets = new LinkedHashSet<>();

  /** Pod sets with a namespace selector. */
  private final Set<String> selectorSets = new LinkedHashSet<>();

  /** For each namespace, the selector sets whose namespace selector matches it. */
  private final Map<String, Set<String>> selectorSetsByNamespace = new HashMap<>();

  /**
   * Namespaces whose selector-set matches are in {@link #selectorSetsByNamespace}: every namespace
   * with an object or with pods. A namespace known only through its pods has just its automatic
   * label (its object may arrive later, or a manifest may lack it).
   */
  private final Set<String> knownNamespaces = new HashSet<>();

  private final FactBuffer out = new FactBuffer();
  private long selectorEvaluations;
  private long podsVisited;
  private long factsEmitted;

  private static final class LiveChain {
    final PolicyChainFact fact;
    final Map<String, PeerSetDef> sets;
    int refs;

    LiveChain(PolicyChainFact fact, Map<String, PeerSetDef> sets) {
      this.fact = fact;
      this.sets = sets;
    }
  }

  private static final class LiveSet {
    final String id;
    final PeerSetDef def;
    final Map<SetEntry, Integer> holders = new HashMap<>();
    int refs;

    LiveSet(String id, PeerSetDef def) {
      this.id = id;
      this.def = def;
    }
  }

  /** Applies one change and returns the fact changes it causes, in dependency order. */
  public List<FactChange> apply(ClusterChange change) {
    ClusterObject next = change instanceof ClusterChange.Upsert u ? u.object() : null;
    switch (change.kind()) {
      case NAMESPACE -> onNamespace(change.key().name(), (Namespace) next);
      case POD -> onPod(change.key(), (Pod) next);
      case NETWORK_POLICY -> onPolicy(change.key(), (NetworkPolicy) next);
      case NODE -> onNode(change.key().name(), (Node) next);
      case CLUSTER_NETWORK_POLICY ->
          onClusterPolicy(change.key().name(), (ClusterNetworkPolicy) next);
    }
    List<FactChange> facts = out.drain();
    factsEmitted += facts.size();
    return facts;
  }

  /** Applies several changes; the result is their concatenation. */
  public List<FactChange> applyAll(Collection<ClusterChange> changes) {
    List<FactChange> all = new ArrayList<>();
    for (ClusterChange c : changes) {
      all.addAll(apply(c));
    }
    return all;
  }

  public WorkCounters counters() {
    return new WorkCounters(selectorEvaluations, podsVisited, factsEmitted);
  }

  public Set<String> nodeNames() {
    Set<String> out = new TreeSet<>(nodes.keySet());
    for (Pod p : pods.values()) {
      if (p.nodeName() != null && !p.nodeName().isEmpty()) {
        out.add(p.nodeName());
      }
    }
    return out;
  }

  // ---- namespaces -------------------------------------------------------------------------

  private void onNamespace(String name, Namespace next) {
    knowNamespace(name);
    Namespace prev = next == null ? namespaces.remove(name) : namespaces.put(name, next);
    if (Objects.equals(prev, next)) {
      return;
    }
    Map<String, String> labels = effectiveLabels(name);
    Set<String> matching = selectorSetsByNamespace.computeIfAbsent(name, k -> new HashSet<>());
    for (String id : selectorSets) {
      LiveSet set = sets.get(id);
      boolean was = matching.contains(id);
      boolean is = evaluate(set.def.namespaceSelector(), labels);
      if (was == is) {
        continue;
      }
      if (is) {
        matching.add(id);
      } else {
        matching.remove(id);
      }
      for (ObjectKey podKey : podsByNamespace.getOrDefault(name, Set.of())) {
        Pod pod = pods.get(podKey);
        podsVisited++;
        Set<SetEntry> entries = entriesIfMember(set, pod);
        for (SetEntry e : entries) {
          if (is) {
            hold(set, e);
          } else {
            unhold(set, e);
          }
        }
      }
    }
    if (matching.isEmpty()) {
      selectorSetsByNamespace.remove(name);
    }
    if (clusterPolicies.stream().anyMatch(c -> !c.subjectNamespaces().selectsEverything())) {
      for (ObjectKey podKey : new ArrayList<>(podsByNamespace.getOrDefault(name, Set.of()))) {
        podsVisited++;
        rebind(podKey);
      }
    }
  }

  /** The labels a namespace selector sees: the object's, or just the automatic name label. */
  private Map<String, String> effectiveLabels(String namespace) {
    Namespace ns = namespaces.get(namespace);
    return ns != null ? ns.labels() : Namespace.of(namespace, Map.of()).labels();
  }

  /** Computes a namespace's selector-set matches the first time it is seen. */
  private void knowNamespace(String name) {
    if (!knownNamespaces.add(name)) {
      return;
    }
    Map<String, String> labels = effectiveLabels(name);
    for (String id : selectorSets) {
      if (evaluate(sets.get(id).def.namespaceSelector(), labels)) {
        selectorSetsByNamespace.computeIfAbsent(name, k -> new HashSet<>()).add(id);
      }
    }
  }

  private void onNode(String name, Node next) {
    Node prev = next == null ? nodes.remove(name) : nodes.put(name, next);
    if (Objects.equals(prev, next)) {
      return;
    }
    for (String id : nodeSets) {
      LiveSet set = sets.get(id);
      Set<SetEntry> before = nodeEntriesIfMember(set, prev);
      Set<SetEntry> after = nodeEntriesIfMember(set, next);
      for (SetEntry e : after) {
        if (!before.contains(e)) {
          hold(set, e);
        }
      }
      for (SetEntry e : before) {
        if (!after.contains(e)) {
          unhold(set, e);
        }
      }
    }
  }

  private Set<SetEntry> nodeEntriesIfMember(LiveSet set, Node node) {
    if (node == null || !evaluate(set.def.nodeSelector(), node.labels())) {
      return Set.of();
    }
    return set.def.entriesOf(node);
  }

  // ---- pods -------------------------------------------------------------------------------

  private void onPod(ObjectKey key, Pod next) {
    Pod prev = next == null ? pods.remove(key) : pods.put(key, next);
    if (Objects.equals(prev, next)) {
      return;
    }
    String ns = key.namespace();
    knowNamespace(ns);
    if (next != null) {
      podsByNamespace.computeIfAbsent(ns, k -> new HashSet<>()).add(key);
    } else {
      Set<ObjectKey> inNs = podsByNamespace.get(ns);
      if (inNs != null) {
        inNs.remove(key);
        if (inNs.isEmpty()) {
          podsByNamespace.remove(ns);
        }
      }
    }

    // Peer side: the sets that look at this namespace.
    for (String id : setsInScope(ns)) {
      LiveSet set = sets.get(id);
      Set<SetEntry> before = prev == null ? Set.of() : entriesIfMember(set, prev);
      Set<SetEntry> after = next == null ? Set.of() : entriesIfMember(set, next);
      for (SetEntry e : after) {
        if (!before.contains(e)) {
          hold(set, e);
        }
      }
      for (SetEntry e : before) {
        if (!after.contains(e)) {
          unhold(set, e);
        }
      }
    }

    // Target side: the policies of its namespace.
    boolean labelsChanged = prev == null || next == null || !prev.labels().equals(next.labels());
    if (labelsChanged) {
      for (ObjectKey policyKey : policiesByNamespace.getOrDefault(ns, Set.of())) {
        NetworkPolicy policy = policies.get(policyKey);
        boolean is = next != null && evaluate(policy.podSelector(), next.labels());
        setTarget(policyKey, key, is);
      }
    }
    rebind(key);
  }

  private List<String> setsInScope(String namespace) {
    List<String> out = new ArrayList<>(scopedSets.getOrDefault(namespace, Set.of()));
    out.addAll(selectorSetsByNamespace.getOrDefault(namespace, Set.of()));
    return out;
  }

  // ---- policies ---------------------------------------------------------------------------

  private void onPolicy(ObjectKey key, NetworkPolicy next) {
    NetworkPolicy prev = next == null ? policies.remove(key) : policies.put(key, next);
    if (Objects.equals(prev, next)) {
      return;
    }
    sharedChains.remove(key);
    targetChains.remove(key);
    String ns = key.namespace();
    if (next != null) {
      policiesByNamespace.computeIfAbsent(ns, k -> new HashSet<>()).add(key);
    } else {
      Set<ObjectKey> inNs = policiesByNamespace.get(ns);
      if (inNs != null) {
        inNs.remove(key);
        if (inNs.isEmpty()) {
          policiesByNamespace.remove(ns);
        }
      }
    }
    Set<ObjectKey> affected = new TreeSet<>(targetsByPolicy.getOrDefault(key, Set.of()));
    boolean selectorChanged =
        prev == null || next == null || !prev.podSelector().equals(next.podSelector());
    if (selectorChanged) {
      for (ObjectKey podKey : podsByNamespace.getOrDefault(ns, Set.of())) {
        podsVisited++;
        boolean is = next != null && evaluate(next.podSelector(), pods.get(podKey).labels());
        if (setTarget(key, podKey, is)) {
          affected.add(podKey);
        }
      }
    }
    for (ObjectKey podKey : affected) {
      rebind(podKey);
    }
  }

  /** Records whether {@code policy} selects {@code pod}; returns whether that changed. */
  private boolean setTarget(ObjectKey policy, ObjectKey pod, boolean selected) {
    if (selected) {
      boolean added = targetsByPolicy.computeIfAbsent(policy, k -> new HashSet<>()).add(pod);
      if (added) {
        policiesByTarget.computeIfAbsent(pod, k -> new TreeSet<>()).add(policy);
      }
      return added;
    }
    Set<ObjectKey> targets = targetsByPolicy.get(policy);
    if (targets == null || !targets.remove(pod)) {
      return false;
    }
    if (targets.isEmpty()) {
      targetsByPolicy.remove(policy);
    }
    SortedSet<ObjectKey> selecting = policiesByTarget.get(pod);
    selecting.remove(policy);
    if (selecting.isEmpty()) {
      policiesByTarget.remove(pod);
    }
    return true;
  }

  // ---- cluster network policies ------------------------------------------------------------

  private void onClusterPolicy(String name, ClusterNetworkPolicy next) {
    ClusterNetworkPolicy prev =
        next == null ? clusterPoliciesByName.remove(name) : clusterPoliciesByName.put(name, next);
    if (Objects.equals(prev, next)) {
      return;
    }
    if (prev != null) {
      clusterPolicies.remove(prev);
    }
    if (next != null) {
      clusterPolicies.add(next);
    }
    sharedTierChains.remove(name);
    // A subject selects across namespaces: every pod the old or the new version selects is rebound.
    for (ObjectKey podKey : new ArrayList<>(pods.keySet())) {
      Pod pod = pods.get(podKey);
      podsVisited++;
      if ((prev != null && subjectOf(prev, pod)) || (next != null && subjectOf(next, pod))) {
        rebind(podKey);
      }
    }
  }

  /** Whether {@code policy}'s subject holds {@code pod} (hostNetwork pods never are subjects). */
  private boolean subjectOf(ClusterNetworkPolicy policy, Pod pod) {
    return !pod.hostNetwork()
        && evaluate(policy.subjectNamespaces(), effectiveLabels(pod.key().namespace()))
        && evaluate(policy.subjectPods(), pod.labels());
  }

  /**
   * The pod's tier chains in direction {@code d}, their builds added to {@code built}. A pod a
   * NetworkPolicy isolates in {@code d} gets no Baseline chains there: that tier is never reached.
   */
  private TierChains tierChains(
      Pod pod, Direction d, boolean isolated, List<ChainBuilder.Built> built) {
    List<String> admin = new ArrayList<>();
    List<String> baseline = new ArrayList<>();
    for (ClusterNetworkPolicy c : clusterPolicies) {
      if (!c.governs(d) || (isolated && c.tier() == Tier.BASELINE) || !subjectOf(c, pod)) {
        continue;
      }
      ChainBuilder.Built b = tierChainOf(c, d, pod);
      built.add(b);
      List<String> ids = c.tier() == Tier.ADMIN ? admin : baseline;
      if (!ids.contains(b.chain().id())) {
        ids.add(b.chain().id());
      }
    }
    return admin.isEmpty() && baseline.isEmpty()
        ? TierChains.NONE
        : new TierChains(admin, baseline);
  }

  private ChainBuilder.Built tierChainOf(ClusterNetworkPolicy policy, Direction d, Pod target) {
    if (TierChainBuilder.dependsOnTarget(policy, d)) {
      return boundedTier(TierChainBuilder.build(policy, d, target), policy, d);
    }
    return sharedTierChains
        .computeIfAbsent(policy.name(), k -> new java.util.EnumMap<>(Direction.class))
        .computeIfAbsent(
            d, dir -> boundedTier(TierChainBuilder.build(policy, dir, target), policy, dir));
  }

  /** The chain, or when it would not fit one record a chain that denies everything. */
  private static ChainBuilder.Built boundedTier(
      ChainBuilder.Built b, ClusterNetworkPolicy policy, Direction d) {
    if (ChainBudget.fits(b.chain())) {
      return b;
    }
    ClusterNetworkPolicy denying =
        new ClusterNetworkPolicy(
            policy.name(),
            policy.tier(),
            policy.priority(),
            policy.subjectNamespaces(),
            policy.subjectPods(),
            d == Direction.INGRESS ? List.of(DENY_ALL) : List.of(),
            d == Direction.EGRESS ? List.of(DENY_ALL) : List.of(),
            true);
    return TierChainBuilder.build(denying, d, null);
  }

  private static final TierRule DENY_ALL =
      new TierRule("chain too large", TierAction.DENY, List.of(), List.of(), 1);

  // ---- bindings and chains ----------------------------------------------------------------

  private void rebind(ObjectKey podKey) {
    PodBindingFact prev = bindings.get(podKey);
    Pod pod = pods.get(podKey);
    SortedSet<ObjectKey> selecting = policiesByTarget.get(podKey);
    PodBindingFact next = null;
    List<ChainBuilder.Built> built = new ArrayList<>();
    boolean enforceable =
        pod != null
            && !pod.hostNetwork()
            && !pod.phase().finished()
            && pod.nodeName() != null
            && !pod.nodeName().isEmpty()
            && !pod.ips().isEmpty();
    if (enforceable && pod.quarantined()) {
      next =
          new PodBindingFact(pod.nodeName(), podKey, pod.ips(), true, true, List.of(), List.of());
    } else if (enforceable) {
      boolean ingress = false;
      boolean egress = false;
      List<String> ingressChains = new ArrayList<>();
      List<String> egressChains = new ArrayList<>();
      for (ObjectKey policyKey : selecting == null ? Set.<ObjectKey>of() : selecting) {
        NetworkPolicy policy = policies.get(policyKey);
        for (Direction d : Direction.values()) {
          if (!policy.isolates(d)) {
            continue;
          }
          ChainBuilder.Built b = chainOf(policy, d, pod);
          built.add(b);
          List<String> ids = d == Direction.INGRESS ? ingressChains : egressChains;
          if (!ids.contains(b.chain().id())) {
            ids.add(b.chain().id());
          }
          if (d == Direction.INGRESS) {
            ingress = true;
          } else {
            egress = true;
          }
        }
      }
      if (ingressChains.size() + egressChains.size() > ChainBudget.MAX_CHAINS_PER_BINDING) {
        // A binding is one record: past the bound, the pod is isolated in its directions with
        // nothing allowed.
        ingressChains = List.of();
        egressChains = List.of();
        built.clear();
      }
      TierChains inTiers = tierChains(pod, Direction.INGRESS, ingress, built);
      TierChains egTiers = tierChains(pod, Direction.EGRESS, egress, built);
      if (ingress || egress || !inTiers.isEmpty() || !egTiers.isEmpty()) {
        next =
            new PodBindingFact(
                pod.nodeName(),
                podKey,
                pod.ips(),
                ingress,
                egress,
                ingressChains,
                egressChains,
                inTiers,
                egTiers);
      }
    }
    if (Objects.equals(prev, next)) {
      return;
    }
    for (ChainBuilder.Built b : built) {
      acquireChain(b);
    }
    if (next != null) {
      bindings.put(podKey, next);
      out.put(next.key(), prev != null && prev.key().equals(next.key()) ? prev : null, next);
    } else {
      bindings.remove(podKey);
    }
    if (prev != null) {
      if (next == null || !prev.key().equals(next.key())) {
        out.remove(prev);
      }
      for (String id : chainRefs(prev)) {
        releaseChain(id);
      }
    }
  }

  private ChainBuilder.Built chainOf(NetworkPolicy policy, Direction d, Pod target) {
    if (ChainBuilder.dependsOnTarget(policy, d)) {
      Map<List<ContainerPort>, ChainBuilder.Built> byPorts =
          targetChains
              .computeIfAbsent(policy.key(), k -> new java.util.EnumMap<>(Direction.class))
              .computeIfAbsent(d, dir -> new HashMap<>());
      ChainBuilder.Built known = byPorts.get(target.ports());
      if (known != null) {
        return known;
      }
      if (byPorts.size() >= PORT_LISTS_PER_POLICY) {
        byPorts.clear();
      }
      ChainBuilder.Built b = bounded(ChainBuilder.build(policy, d, target), policy, d);
      byPorts.put(target.ports(), b);
      return b;
    }
    return sharedChains
        .computeIfAbsent(policy.key(), k -> new java.util.EnumMap<>(Direction.class))
        .computeIfAbsent(d, dir -> bounded(ChainBuilder.build(policy, dir, target), policy, dir));
  }

  /**
   * The chain, or when it would not fit one record its failed-closed form. The decoder already
   * turns policies whose chains are too large into failed-closed ones; this catches the rest (a
   * target declaring one port name many times), so no chain can stop the engine.
   */
  private static ChainBuilder.Built bounded(
      ChainBuilder.Built b, NetworkPolicy policy, Direction d) {
    return ChainBudget.fits(b.chain())
        ? b
        : new ChainBuilder.Built(ChainBudget.failedClosed(policy, d), Map.of());
  }

  private static List<String> chainRefs(PodBindingFact b) {
    return b.allChains();
  }

  private void acquireChain(ChainBuilder.Built b) {
    LiveChain live = chains.get(b.chain().id());
    if (live == null) {
      live = new LiveChain(b.chain(), b.sets());
      chains.put(b.chain().id(), live);
      for (Map.Entry<String, PeerSetDef> s : b.sets().entrySet()) {
        acquireSet(s.getKey(), s.getValue());
      }
      out.add(b.chain());
    }
    live.refs++;
  }

  private void releaseChain(String id) {
    LiveChain live = chains.get(id);
    if (--live.refs > 0) {
      return;
    }
    chains.remove(id);
    out.remove(live.fact);
    for (String setId : live.sets.keySet()) {
      releaseSet(setId);
    }
  }

  // ---- sets -------------------------------------------------------------------------------

  private void acquireSet(String id, PeerSetDef def) {
    LiveSet set = sets.get(id);
    if (set != null) {
      set.refs++;
      return;
    }
    set = new LiveSet(id, def);
    set.refs = 1;
    sets.put(id, set);
    if (def.kind() == io.fenceline.core.facts.SetKind.NODE_IPS) {
      nodeSets.add(id);
      for (Node node : nodes.values()) {
        for (SetEntry e : nodeEntriesIfMember(set, node)) {
          hold(set, e);
        }
      }
      return;
    }
    if (!def.isPodSet()) {
      for (SetEntry e : def.blockEntries()) {
        hold(set, e);
      }
      return;
    }
    if (def.namespaceSelector() == null) {
      scopedSets.computeIfAbsent(def.scopeNamespace(), k -> new HashSet<>()).add(id);
      populate(set, def.scopeNamespace());
    } else {
      selectorSets.add(id);
      for (String ns : knownNamespaces) {
        if (evaluate(def.namespaceSelector(), effectiveLabels(ns))) {
          selectorSetsByNamespace.computeIfAbsent(ns, k -> new HashSet<>()).add(id);
          populate(set, ns);
        }
      }
    }
  }

  private void populate(LiveSet set, String namespace) {
    for (ObjectKey podKey : podsByNamespace.getOrDefault(namespace, Set.of())) {
      podsVisited++;
      for (SetEntry e : entriesIfMember(set, pods.get(podKey))) {
        hold(set, e);
      }
    }
  }

  private void releaseSet(String id) {
    LiveSet set = sets.get(id);
    if (--set.refs > 0) {
      return;
    }
    sets.remove(id);
    for (SetEntry e : set.holders.keySet()) {
      out.remove(new SetMemberFact(id, e));
    }
    PeerSetDef def = set.def;
    nodeSets.remove(id);
    if (def.isPodSet() && def.namespaceSelector() == null) {
      Set<String> scoped = scopedSets.get(def.scopeNamespace());
      scoped.remove(id);
      if (scoped.isEmpty()) {
        scopedSets.remove(def.scopeNamespace());
      }
    } else if (def.isPodSet()) {
      selectorSets.remove(id);
      selectorSetsByNamespace.values().forEach(s -> s.remove(id));
      selectorSetsByNamespace.values().removeIf(Set::isEmpty);
    }
  }

  private Set<SetEntry> entriesIfMember(LiveSet set, Pod pod) {
    if (pod == null || !pod.isPeerCandidate() || pod.quarantined()) {
      return Set.of();
    }
    if (!evaluate(set.def.podSelector(), pod.labels())) {
      return Set.of();
    }
    return set.def.entriesOf(pod);
  }

  private void hold(LiveSet set, SetEntry e) {
    int n = set.holders.merge(e, 1, Integer::sum);
    if (n == 1) {
      out.add(new SetMemberFact(set.id, e));
    }
  }

  private void unhold(LiveSet set, SetEntry e) {
    Integer n = set.holders.get(e);
    if (n == null) {
      return;
    }
    if (n == 1) {
      set.holders.remove(e);
      out.remove(new SetMemberFact(set.id, e));
    } else {
      set.holders.put(e, n - 1);
    }
  }

  private boolean evaluate(
      io.fenceline.core.model.LabelSelector selector, Map<String, String> labels) {
    selectorEvaluations++;
    return Selectors.matches(selector, labels);
  }
}
