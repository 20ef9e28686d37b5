package io.fenceline.core.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.facts.Fact;
import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.FactKey;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.facts.SetRef;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.reference.Flow;
import io.fenceline.core.reference.NodeModelInterpreter;
import io.fenceline.core.reference.ReferenceModel;
import io.fenceline.core.testing.ClusterFixtures;
import io.fenceline.core.testing.ClusterState;
import io.fenceline.core.testing.FactFold;
import io.fenceline.core.testing.RandomClusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Differential properties of the compiler: its facts, read the way the node renders them, decide
 * every flow as the reference model does (A); any order of the same objects, with detours through
 * other versions and objects that come and go, ends in the same facts, and after every event holds
 * the facts of a from-scratch compile of the objects at that point (B); every single apply() emits
 * its facts in dependency order and leaves nothing dangling (C).
 */
class CompilerAgreesWithReferenceTest {

  @Provide
  Arbitrary<ClusterState> clusters() {
    return RandomClusters.clusters();
  }

  @Provide
  Arbitrary<List<IpAddress>> externals() {
    return RandomClusters.externals();
  }

  // ---- A: agreement with the reference model --------------------------------------------------

  @Property(tries = 400)
  void compiledFactsDecideEveryFlowAsTheSpecDoes(
      @ForAll("clusters") ClusterState state, @ForAll("externals") List<IpAddress> externals) {
    FactFold fold = FactFold.compile(state);
    List<String> mismatches = disagreements(state, externals, fold);
    assertThat(mismatches)
        .as(
            "flows where the compiled facts and the reference model disagree\n%s\nfacts:\n%s",
            state, fold.describe())
        .isEmpty();
  }

  static List<String> disagreements(ClusterState state, List<IpAddress> externals, FactFold fold) {
    ReferenceModel reference = new ReferenceModel(state.objects());
    NodeModelInterpreter rules = new NodeModelInterpreter(fold.table(), state.objects());
    List<String> out = new ArrayList<>();
    int allowed = 0;
    int denied = 0;
    for (Flow f : flows(state, externals)) {
      boolean want = reference.allows(f);
      boolean got = rules.allows(f);
      if (want) {
        allowed++;
      } else {
        denied++;
      }
      if (want != got) {
        out.add(
            f
                + ": reference "
                + verdict(want)
                + " (egress "
                + verdict(reference.egressAllows(f))
                + ", ingress "
                + verdict(reference.ingressAllows(f))
                + "), rules "
                + verdict(got)
                + " (egress "
                + verdict(rules.egressAllows(f))
                + ", ingress "
                + verdict(rules.ingressAllows(f))
                + ")");
      }
    }
    Statistics.label("verdicts")
        .collect(allowed == 0 ? "all denied" : denied == 0 ? "all allowed" : "mixed");
    return out;
  }

  private static String verdict(boolean allowed) {
    return allowed ? "allow" : "deny";
  }

  /** Every flow between two distinct hosts, per shared address family, protocol and port. */
  static List<Flow> flows(ClusterState state, List<IpAddress> externals) {
    List<List<Flow.Endpoint>> hosts = new ArrayList<>();
    for (Pod p : state.pods()) {
      if (!p.ips().isEmpty() && !p.phase().finished()) {
        hosts.add(p.ips().stream().map(ip -> Flow.Endpoint.pod(p.key(), ip)).toList());
      }
    }
    for (IpAddress ip : externals) {
      hosts.add(List.of(Flow.Endpoint.external(ip)));
    }
    List<Flow> out = new ArrayList<>();
    for (int s = 0; s < hosts.size(); s++) {
      for (int d = 0; d < hosts.size(); d++) {
        if (s == d) {
          continue;
        }
        for (Flow.Endpoint src : hosts.get(s)) {
          for (Flow.Endpoint dst : hosts.get(d)) {
            if (src.ip().family() != dst.ip().family()) {
              continue;
            }
            for (Protocol proto : Protocol.values()) {
              for (int port : RandomClusters.PORTS) {
                out.add(new Flow(src, dst, proto, port));
              }
            }
          }
        }
      }
    }
    return out;
  }

  // ---- B: order and detours do not matter -----------------------------------------------------

  @Property(tries = 300)
  void anyOrderWithDetoursEndsInTheSameFacts(
      @ForAll("clusters") ClusterState state,
      @ForAll("clusters") ClusterState detours,
      @ForAll Random random) {
    FactFold canonical = FactFold.compile(state);
    List<ClusterChange> events = shuffledWithDetours(state, detours, random);
    PolicyCompiler compiler = new PolicyCompiler();
    FactFold incremental = new FactFold();
    Map<String, ClusterObject> current = new LinkedHashMap<>();
    for (int i = 0; i < events.size(); i++) {
      ClusterChange event = events.get(i);
      incremental.apply(compiler.apply(event));
      if (event instanceof ClusterChange.Upsert u) {
        current.put(id(u.object()), u.object());
      } else {
        current.remove(event.kind() + " " + event.key());
      }
      // every intermediate state, not only the last, must be what a from-scratch compile gives
      FactFold fresh =
          FactFold.compile(ClusterState.of(current.values().toArray(ClusterObject[]::new)));
      assertSameFacts(fresh, incremental, "after event " + i + " of\n" + describe(events));
    }
    assertSameFacts(canonical, incremental, state + "\nevents:\n" + describe(events));
    for (String node : RandomClusters.NODES) {
      assertThat(incremental.table().nodeModel(node)).isEqualTo(canonical.table().nodeModel(node));
    }
  }

  private static void assertSameFacts(FactFold expected, FactFold actual, String context) {
    Set<String> missing = difference(expected.facts(), actual.facts());
    Set<String> extra = difference(actual.facts(), expected.facts());
    assertThat(missing.isEmpty() && extra.isEmpty())
        .as(
            "%s\nfacts a from-scratch compile has but the incremental fold lacks or holds otherwise: %s"
                + "\nfacts only the incremental fold has, or holds otherwise: %s",
            context, missing, extra)
        .isTrue();
  }

  /**
   * The upserts of {@code state} interleaved at random with detours: each object may first appear
   * as the {@code detours} object with the same key, or be created and deleted once before its
   * final upsert; objects of {@code detours} without a counterpart come and go. The last event of
   * every key leaves it as in {@code state}.
   */
  static List<ClusterChange> shuffledWithDetours(
      ClusterState state, ClusterState detours, Random random) {
    Map<String, ClusterObject> alternatives = new LinkedHashMap<>();
    for (ClusterObject o : detours.objects()) {
      alternatives.put(id(o), o);
    }
    List<List<ClusterChange>> scripts = new ArrayList<>();
    for (ClusterObject o : state.objects()) {
      List<ClusterChange> script = new ArrayList<>();
      ClusterObject alt = alternatives.remove(id(o));
      if (alt != null && random.nextInt(10) < 7) {
        script.add(ClusterChange.upsert(alt));
      }
      if (random.nextInt(10) < 2) {
        script.add(ClusterChange.upsert(o));
        script.add(ClusterFixtures.delete(o));
      }
      script.add(ClusterChange.upsert(o));
      scripts.add(script);
    }
    for (ClusterObject extra : alternatives.values()) {
      if (random.nextInt(10) < 6) {
        scripts.add(
            new ArrayList<>(List.of(ClusterChange.upsert(extra), ClusterFixtures.delete(extra))));
      }
    }
    List<ClusterChange> out = new ArrayList<>();
    List<Integer> cursor = new ArrayList<>();
    scripts.forEach(s -> cursor.add(0));
    List<Integer> open = new ArrayList<>();
    for (int i = 0; i < scripts.size(); i++) {
      open.add(i);
    }
    while (!open.isEmpty()) {
      int pick = random.nextInt(open.size());
      int s = open.get(pick);
      out.add(scripts.get(s).get(cursor.get(s)));
      cursor.set(s, cursor.get(s) + 1);
      if (cursor.get(s) == scripts.get(s).size()) {
        open.remove(pick);
      }
    }
    return out;
  }

  private static String id(ClusterObject o) {
    return o.kind() + " " + o.key();
  }

  private static Set<String> difference(Map<FactKey, Fact> a, Map<FactKey, Fact> b) {
    Set<String> out = new TreeSet<>();
    for (Map.Entry<FactKey, Fact> e : a.entrySet()) {
      if (!e.getValue().equals(b.get(e.getKey()))) {
        out.add(e.getKey().text());
      }
    }
    return out;
  }

  static String describe(List<ClusterChange> events) {
    return events.stream()
        .map(
            c ->
                c instanceof ClusterChange.Upsert u
                    ? "  + " + u.object()
                    : "  - " + c.kind() + " " + c.key())
        .collect(Collectors.joining("\n"));
  }

  // ---- C: dependency order of every apply() ---------------------------------------------------

  @Property(tries = 300)
  void everyApplyIsInDependencyOrderAndLeavesNothingDangling(
      @ForAll("clusters") ClusterState state,
      @ForAll("clusters") ClusterState detours,
      @ForAll Random random) {
    List<ClusterChange> events = shuffledWithDetours(state, detours, random);
    PolicyCompiler compiler = new PolicyCompiler();
    Map<FactKey, Fact> facts = new HashMap<>();
    for (int i = 0; i < events.size(); i++) {
      List<FactChange> out = compiler.apply(events.get(i));
      List<String> problems = FactOrder.violations(facts, out);
      assertThat(problems)
          .as(
              "event %d of\n%s\nemitted\n%s",
              i,
              describe(events),
              out.stream().map(FactChange::toString).collect(Collectors.joining("\n")))
          .isEmpty();
      FactOrder.fold(facts, out);
    }
  }

  /** Checks on one apply()'s output against the fold before it. */
  static final class FactOrder {
    private FactOrder() {}

    static void fold(Map<FactKey, Fact> facts, List<FactChange> changes) {
      for (FactChange c : changes) {
        if (c.isRemoval()) {
          facts.remove(c.key());
        } else {
          facts.put(c.key(), c.value());
        }
      }
    }

    static List<String> violations(Map<FactKey, Fact> before, List<FactChange> changes) {
      List<String> out = new ArrayList<>();
      Set<FactKey> seen = new HashSet<>();
      for (FactChange c : changes) {
        if (!seen.add(c.key())) {
          out.add("key emitted twice: " + c.key().text());
        }
      }
      Map<FactKey, Fact> after = new HashMap<>(before);
      fold(after, changes);
      Set<String> setsUsedAfter = setsUsedByChains(after);

      Map<FactKey, Fact> state = new HashMap<>(before);
      for (int i = 0; i < changes.size(); i++) {
        FactChange c = changes.get(i);
        Fact current = state.get(c.key());
        if (c.isRemoval()) {
          if (current == null) {
            out.add("#" + i + " tombstone for a fact that is not there: " + c.key().text());
          }
          if (c.key() instanceof FactKey.Member m
              && !setsUsedAfter.contains(m.setId())
              && setsUsedByChains(state).contains(m.setId())) {
            out.add(
                "#"
                    + i
                    + " member of a dropped set removed while a chain still uses the set: "
                    + c.key().text());
          }
        } else {
          if (c.value().equals(current)) {
            out.add("#" + i + " upsert that changes nothing: " + c.key().text());
          }
          if (c.value() instanceof PodBindingFact b) {
            for (String chainId : chainsOf(b)) {
              Fact chain = state.get(new FactKey.Chain(chainId));
              if (chain == null) {
                continue; // reported below as a dangling reference
              }
              for (SetRef ref : ((PolicyChainFact) chain).sets()) {
                for (int j = i + 1; j < changes.size(); j++) {
                  if (!changes.get(j).isRemoval()
                      && changes.get(j).key() instanceof FactKey.Member m
                      && m.setId().equals(ref.id())) {
                    out.add(
                        "#"
                            + i
                            + " binding "
                            + b.pod()
                            + " visible before member #"
                            + j
                            + " of set "
                            + ref.id());
                  }
                }
              }
            }
          }
        }
        if (c.isRemoval()) {
          state.remove(c.key());
        } else {
          state.put(c.key(), c.value());
        }
        for (Fact f : state.values()) {
          if (f instanceof PodBindingFact b) {
            for (String chainId : chainsOf(b)) {
              if (!state.containsKey(new FactKey.Chain(chainId))) {
                out.add(
                    "after #"
                        + i
                        + " ("
                        + c
                        + ") binding "
                        + b.pod()
                        + " references missing chain "
                        + chainId);
              }
            }
          }
        }
      }
      // Nothing dangling after the whole change: chains are used by bindings, members by chains.
      Set<String> chainsUsed = new HashSet<>();
      for (Fact f : after.values()) {
        if (f instanceof PodBindingFact b) {
          chainsUsed.addAll(chainsOf(b));
        }
      }
      for (FactKey k : after.keySet()) {
        if (k instanceof FactKey.Chain ch && !chainsUsed.contains(ch.chainId())) {
          out.add("chain no binding uses: " + k.text());
        }
        if (k instanceof FactKey.Member m && !setsUsedAfter.contains(m.setId())) {
          out.add("member of a set no chain uses: " + k.text());
        }
      }
      return out;
    }

    private static List<String> chainsOf(PodBindingFact b) {
      List<String> ids = b.allChains();
      return ids;
    }

    private static Set<String> setsUsedByChains(Map<FactKey, Fact> facts) {
      Set<String> out = new HashSet<>();
      for (Fact f : facts.values()) {
        if (f instanceof PolicyChainFact pc) {
          pc.sets().forEach(r -> out.add(r.id()));
        }
      }
      return out;
    }
  }
}
