package io.fenceline.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.LabelSelector;
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
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The iptables payload of a node grows with its own pods and policies, never with peer pods. */
class PayloadSizeTest {

  private static List<ClusterChange> cluster(int peers) {
    List<ClusterChange> out = new ArrayList<>();
    out.add(ClusterChange.upsert(Namespace.of("prod", Map.of())));
    out.add(
        ClusterChange.upsert(
            Pod.of(
                ObjectKey.of("prod", "db"),
                Map.of("app", "db"),
                List.of(IpAddress.parse("10.0.0.1")),
                "node-db",
                PodPhase.RUNNING,
                false,
                List.of())));
    for (int i = 0; i < peers; i++) {
      out.add(
          ClusterChange.upsert(
              Pod.of(
                  ObjectKey.of("prod", "client-" + i),
                  Map.of("app", "client"),
                  List.of(IpAddress.parse("10.1." + (i / 250) + "." + (i % 250 + 1))),
                  "node-" + (i % 50),
                  PodPhase.RUNNING,
                  false,
                  List.of())));
    }
    PolicyRule rule =
        new PolicyRule(
            List.of(
                new PolicyPeer.Selector(null, LabelSelector.matchLabels(Map.of("app", "client")))),
            List.of(PolicyPort.number(Protocol.TCP, 5432)));
    out.add(
        ClusterChange.upsert(
            new NetworkPolicy(
                ObjectKey.of("prod", "db-from-clients"),
                LabelSelector.matchLabels(Map.of("app", "db")),
                EnumSet.of(Direction.INGRESS),
                List.of(rule),
                List.of(),
                false)));
    return out;
  }

  @Test
  void iptablesPayloadIsTheSameFor10And10000PeerPods() {
    NodePayload small = CompiledCluster.fromScratch(cluster(10)).payload("node-db");
    NodePayload large = CompiledCluster.fromScratch(cluster(10_000)).payload("node-db");

    assertThat(large.iptablesRestore()).isEqualTo(small.iptablesRestore());
    assertThat(large.ip6tablesRestore()).isEqualTo(small.ip6tablesRestore());
    // The peers are set members instead.
    assertThat(small.ipsetRestore().lines().filter(l -> l.startsWith("add ")).count())
        .isEqualTo(10);
    assertThat(large.ipsetRestore().lines().filter(l -> l.startsWith("add ")).count())
        .isEqualTo(10_000);
  }

  @Test
  void renderingIsByteDeterministic() {
    CompiledCluster a = CompiledCluster.fromScratch(cluster(300));
    List<ClusterChange> reversed = new ArrayList<>(cluster(300));
    java.util.Collections.reverse(reversed);
    CompiledCluster b = CompiledCluster.fromScratch(reversed);
    assertThat(b.payload("node-db")).isEqualTo(a.payload("node-db"));
  }
}
