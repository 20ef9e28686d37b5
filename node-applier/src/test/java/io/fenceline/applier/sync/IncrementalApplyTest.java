package io.fenceline.applier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.compile.PolicyCompiler;
import io.fenceline.core.facts.Clause;
import io.fenceline.core.facts.FactChange;
import io.fenceline.core.facts.FactCodec;
import io.fenceline.core.facts.FactTable;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.facts.PolicyChainFact;
import io.fenceline.core.facts.SetEntry;
import io.fenceline.core.facts.SetKind;
import io.fenceline.core.facts.SetMemberFact;
import io.fenceline.core.facts.SetRef;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.render.KernelSet;
import io.fenceline.core.render.NodeRenderer;
import io.fenceline.core.render.RenderedNode;
import io.fenceline.core.testing.ClusterState;
import io.fenceline.core.testing.RandomClusters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * A node's deltas patch only what the facts touched; this checks that they still leave exactly what
 * a full render of the same facts gives, at every step, and that their cost follows the change, not
 * the node's size.
 */
class IncrementalApplyTest {
  private static final String CLUSTER = "c1";
  private static final Duration LONG = Duration.ofDays(1);

  @Provide
  Arbitrary<ClusterState> clusters() {
    return RandomClusters.clusters();
  }

  /**
   * Three random clusters one after the other (every object of the next upserted, every object it
   * lacks deleted, in random order), fed to the syncs of both nodes in random batches: after every
   * batch, each node's kernel holds what a full render of the facts so far gives, and every host
   * that left one of its sets had its conntrack entries deleted.
   */
  @Property(tries = 200)
  void deltasLeaveWhatAFullRenderGives(
      @ForAll("clusters") ClusterState first,
      @ForAll("clusters") ClusterState second,
      @ForAll("clusters") ClusterState third,
      @ForAll Random random) {
    List<ClusterChange> events = new ArrayList<>();
    List<ClusterObject> present = new ArrayList<>();
    for (ClusterState next : List.of(first, second, third)) {
      events.addAll(transition(present, next, random));
      present = next.objects();
    }
    PolicyCompiler compiler = new PolicyCompiler();
    FactTable facts = new FactTable();
    Map<String, TextKernel> kernels = new LinkedHashMap<>();
    Map<String, NodeSync> syncs = new LinkedHashMap<>();
    for (String node : RandomClusters.NODES) {
      TextKernel k = new TextKernel();
      kernels.put(node, k);
      syncs.put(node, NodeSync.of(new NodeSync.Settings(CLUSTER, node, LONG, LONG, LONG), k));
    }
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    int i = 0;
    while (i < events.size()) {
      int batch = 1 + random.nextInt(4);
      for (int end = Math.min(events.size(), i + batch); i < end; i++) {
        for (FactChange c : compiler.apply(events.get(i))) {
          facts.apply(c);
          for (NodeSync s : syncs.values()) {
            s.offer(
                new FactCodec.Decoded(CLUSTER, c.key(), c.value()), new NodeSync.Source(i, now));
          }
        }
      }
      for (String node : RandomClusters.NODES) {
        TextKernel k = kernels.get(node);
        Map<String, Set<String>> before = copy(k.sets);
        k.conntrackDeleted.clear();
        NodeSync.Step step;
        while (!((step = syncs.get(node).step(now)) instanceof NodeSync.Idle)) {
          assertThat(step).isNotInstanceOf(NodeSync.Failed.class);
        }
        String where =
            node + " after event " + (i - 1) + " of " + events.size() + ": " + events.subList(0, i);
        RenderedNode want = NodeRenderer.structure(facts.nodeModel(node));
        assertThat(k.sets).as(where).isEqualTo(sets(want));
        assertThat(k.chains.get(4)).as(where).isEqualTo(new TreeMap<>(want.chains4()));
        assertThat(k.chains.get(6)).as(where).isEqualTo(new TreeMap<>(want.chains6()));
        assertThat(k.conntrackDeleted).as(where).containsAll(hostsThatLeft(before, k.sets));
        assertThat(syncs.get(node).applied().sets()).as(where).isEqualTo(want.sets());
      }
      now = now.plusSeconds(1);
    }
  }

  /**
   * From {@code present} to {@code next}: upserts of next's objects and deletes of the others,
   * shuffled.
   */
  private static List<ClusterChange> transition(
      List<ClusterObject> present, ClusterState next, Random random) {
    List<ClusterChange> out = new ArrayList<>();
    Set<String> kept = new HashSet<>();
    for (ClusterObject o : next.objects()) {
      out.add(ClusterChange.upsert(o));
      kept.add(o.kind() + " " + o.key());
    }
    for (ClusterObject o : present) {
      if (!kept.contains(o.kind() + " " + o.key())) {
        out.add(ClusterChange.delete(o.kind(), o.key()));
      }
    }
    Collections.shuffle(out, random);
    return out;
  }

  private static Map<String, Set<String>> sets(RenderedNode n) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (KernelSet s : n.sets()) {
      out.put(s.name(), new TreeSet<>(s.members()));
    }
    return out;
  }

  private static Map<String, Set<String>> copy(Map<String, Set<String>> sets) {
    Map<String, Set<String>> out = new TreeMap<>();
    sets.forEach((k, v) -> out.put(k, new TreeSet<>(v)));
    return out;
  }

  /** Single addresses that were in a set before and are not in it (or the set is gone) after. */
  private static Set<IpAddress> hostsThatLeft(
      Map<String, Set<String>> before, Map<String, Set<String>> after) {
    Set<IpAddress> out = new TreeSet<>();
    before.forEach(
        (set, members) -> {
          Set<String> now = after.getOrDefault(set, Set.of());
          for (String m : members) {
            if (now.contains(m)) {
              continue;
            }
            String addr = m.replace(" nomatch", "");
            addr = addr.contains(",") ? addr.substring(0, addr.indexOf(',')) : addr;
            if (addr.contains("/")) {
              int len = Integer.parseInt(addr.substring(addr.indexOf('/') + 1));
              addr = addr.substring(0, addr.indexOf('/'));
              if (len != IpAddress.parse(addr).bitLength()) {
                continue;
              }
            }
            out.add(IpAddress.parse(addr));
          }
        });
    return out;
  }

  // ---- cost follows the change ----------------------------------------------------------------

  private static final SetRef PEERS = new SetRef("PEERSET000000001", SetKind.POD_IPS, 4, "app=web");

  /** A node whose one set holds {@code members} peers, applied once in full. */
  private static NodeSync bigNode(RecordingKernel kernel, int members) {
    NodeSync sync = NodeSync.of(new NodeSync.Settings(CLUSTER, "n1", LONG, LONG, LONG), kernel);
    PolicyChainFact chain =
        new PolicyChainFact(
            "CHAINDB000000001",
            ObjectKey.of("prod", "allow-web"),
            Direction.INGRESS,
            List.of(new Clause(PEERS, null, null, null, null, "prod/allow-web")));
    sync.offer(new FactCodec.Decoded(CLUSTER, chain.key(), chain), null);
    sync.offer(binding("db-0", "10.1.0.1", "CHAINDB000000001"), null);
    for (int i = 0; i < members; i++) {
      sync.offer(member(IpAddress.parse("10.2." + (i / 250) + "." + (1 + i % 250)), false), null);
    }
    assertThat(sync.step(Instant.EPOCH)).isInstanceOf(NodeSync.Applied.class);
    kernel.inputs.clear();
    return sync;
  }

  private static FactCodec.Decoded binding(String pod, String ip, String chain) {
    PodBindingFact b =
        new PodBindingFact(
            "n1",
            ObjectKey.of("prod", pod),
            List.of(IpAddress.parse(ip)),
            true,
            false,
            List.of(chain),
            List.of());
    return new FactCodec.Decoded(CLUSTER, b.key(), b);
  }

  private static FactCodec.Decoded member(IpAddress ip, boolean removal) {
    SetMemberFact m = new SetMemberFact(PEERS.id(), SetEntry.ip(ip));
    return new FactCodec.Decoded(CLUSTER, m.key(), removal ? null : m);
  }

  @Test
  void aMemberChangeWritesOneLineWhateverTheSetHolds() {
    for (int size : new int[] {10, 20_000}) {
      RecordingKernel kernel = new RecordingKernel();
      NodeSync sync = bigNode(kernel, size);
      sync.offer(member(IpAddress.parse("10.9.9.9"), false), null);
      sync.offer(member(IpAddress.parse("10.2.0.1"), true), null);
      NodeSync.Applied a = (NodeSync.Applied) sync.step(Instant.EPOCH.plusSeconds(1));
      assertThat(a.full()).isFalse();
      assertThat(kernel.inputs)
          .as("set of %d members", size)
          .containsExactly(
              "ipset:add FNL-P4-PEERSET000000001 10.9.9.9 -exist\n",
              "ipset:del FNL-P4-PEERSET000000001 10.2.0.1 -exist\n");
      assertThat(kernel.setSizes()).containsEntry("FNL-P4-PEERSET000000001", size);
      assertThat(kernel.conntrackDeleted).containsExactly(IpAddress.parse("10.2.0.1"));
    }
  }

  @Test
  void aBindingChangeRewritesItsChainsAndNoMember() {
    RecordingKernel kernel = new RecordingKernel();
    NodeSync sync = bigNode(kernel, 20_000);
    sync.offer(binding("db-1", "10.1.0.2", "CHAINDB000000001"), null);
    NodeSync.Applied a = (NodeSync.Applied) sync.step(Instant.EPOCH.plusSeconds(1));
    assertThat(a.addedMembers()).isZero();
    assertThat(kernel.inputs).noneMatch(in -> in.startsWith("ipset:"));
    assertThat(kernel.inputs)
        .singleElement()
        .satisfies(
            in -> {
              assertThat(in).startsWith("filter4:").contains("FNL-IN-").doesNotContain("10.2.");
              assertThat(in.lines().count()).isLessThan(30);
            });
  }

  /** A {@link TextKernel} that also keeps every non-empty restore input, prefixed by its kind. */
  private static final class RecordingKernel extends TextKernel {
    final List<String> inputs = new ArrayList<>();

    @Override
    public void ipsetRestore(String input) {
      if (!input.isEmpty()) {
        inputs.add("ipset:" + input);
      }
      super.ipsetRestore(input);
    }

    @Override
    public void filterRestore(int family, String input) {
      if (!input.isEmpty()) {
        inputs.add("filter" + family + ":" + input);
      }
      super.filterRestore(family, input);
    }
  }
}
