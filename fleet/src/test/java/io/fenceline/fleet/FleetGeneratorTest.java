package io.fenceline.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceline.core.manifest.ObjectDecoder;
import io.fenceline.core.manifest.Problem;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.core.manifest.SourceLocation;
import io.fenceline.core.model.Kind;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetGeneratorTest {
  private static final FleetSpec SMALL = new FleetSpec(2, 40, 1200, 240);

  private static List<String> render(List<Change> changes) {
    return changes.stream()
        .map(
            c ->
                c.cluster()
                    + " "
                    + c.kind()
                    + " "
                    + c.namespace()
                    + "/"
                    + c.name()
                    + " "
                    + c.cause()
                    + " "
                    + c.uid()
                    + " "
                    + c.resourceVersion()
                    + " "
                    + c.object())
        .toList();
  }

  private static List<Change> churn(Fleet fleet, long seed, int n) {
    ChurnGenerator churn = new ChurnGenerator(fleet, seed);
    List<Change> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(churn.next());
      if (i % 500 == 0) {
        out.addAll(churn.rollout());
      }
    }
    return out;
  }

  @Test
  void shouldGenerateTheSameFleetAndChurnFromTheSameSeed() {
    Fleet a = FleetGenerator.generate(SMALL, 7);
    Fleet b = FleetGenerator.generate(SMALL, 7);
    assertThat(render(a.snapshot())).isEqualTo(render(b.snapshot()));
    assertThat(render(churn(a, 7, 2000))).isEqualTo(render(churn(b, 7, 2000)));
    assertThat(render(a.snapshot())).isEqualTo(render(b.snapshot()));
  }

  @Test
  void shouldGenerateAnotherFleetFromAnotherSeed() {
    assertThat(render(FleetGenerator.generate(SMALL, 7).snapshot()))
        .isNotEqualTo(render(FleetGenerator.generate(SMALL, 8).snapshot()));
  }

  @Test
  void shouldHoldTheRequestedSizeWithAtMost110PodsPerNode() {
    Fleet fleet = FleetGenerator.generate(SMALL, 1);
    assertThat(fleet.clusters()).hasSize(2);
    assertThat(fleet.nodes()).hasSize(40);
    assertThat(fleet.podCount()).isEqualTo(1200);
    assertThat(fleet.policyCount()).isEqualTo(240);
    churn(fleet, 1, 3000);
    for (SimCluster c : fleet.clusters()) {
      Map<Integer, Integer> perNode = new HashMap<>();
      Set<String> ips = new HashSet<>();
      for (SimPod p : c.pods) {
        perNode.merge(p.node, 1, Integer::sum);
        if (!p.hostNetwork) {
          assertThat(ips.add(SimCluster.podAddress4(p)))
              .as("pod IP %s unique in %s", SimCluster.podAddress4(p), c.name())
              .isTrue();
        }
      }
      assertThat(perNode.values()).allMatch(n -> n <= FleetSpec.MAX_PODS_PER_NODE);
    }
  }

  @Test
  void shouldGenerateEveryPolicyShapeAndEveryKindOfChurn() {
    Fleet fleet = FleetGenerator.generate(SMALL, 3);
    Set<PolicyShape> shapes = EnumSet.noneOf(PolicyShape.class);
    fleet.clusters().forEach(c -> c.policies.forEach(p -> shapes.add(p.shape)));
    assertThat(shapes).containsExactlyInAnyOrder(PolicyShape.values());
    String all = String.join("\n", render(fleet.snapshot()));
    assertThat(all)
        .contains("\"matchExpressions\"")
        .contains("\"NotIn\"")
        .contains("\"Exists\"")
        .contains("\"ipBlock\"")
        .contains("\"except\"")
        .contains("\"port\":\"http\"")
        .contains("\"port\":\"postgres\"")
        .contains("\"endPort\"")
        .contains("\"namespaceSelector\"")
        .contains("\"hostNetwork\":true")
        .contains("\"team\"")
        .contains("\"env\"");
    Set<ChangeKind> kinds = EnumSet.noneOf(ChangeKind.class);
    churn(fleet, 3, 3000).forEach(c -> kinds.add(c.cause()));
    assertThat(kinds)
        .containsExactlyInAnyOrder(
            ChangeKind.POD_CREATE,
            ChangeKind.POD_DELETE,
            ChangeKind.POD_RELABEL,
            ChangeKind.ROLLOUT,
            ChangeKind.NAMESPACE_RELABEL,
            ChangeKind.POLICY_EDIT);
  }

  @Test
  void shouldReplaceEveryPodOfTheAppInARollout() {
    Fleet fleet = FleetGenerator.generate(SMALL, 5);
    List<Change> burst = new ChurnGenerator(fleet, 5).largestRollout();
    long created = burst.stream().filter(c -> !c.isDelete()).count();
    long deleted = burst.stream().filter(Change::isDelete).count();
    assertThat(created).isEqualTo(deleted).isGreaterThan(5);
    assertThat(fleet.podCount()).isEqualTo(1200);
  }

  @Test
  void shouldProduceObjectsTheDecoderAcceptsWithoutProblems() {
    Fleet fleet = FleetGenerator.generate(SMALL, 11);
    List<Change> changes = new ArrayList<>(fleet.snapshot());
    changes.addAll(churn(fleet, 11, 2000));
    Map<Kind, Integer> decoded = new HashMap<>();
    List<Problem> problems = new ArrayList<>();
    for (Change c : changes) {
      if (c.isDelete()) {
        continue;
      }
      ObjectDecoder.Result r =
          ObjectDecoder.decode(new RawObject(c.object(), new SourceLocation(c.cluster(), 1)));
      problems.addAll(r.problems());
      assertThat(r.object()).as("%s %s/%s", c.kind(), c.namespace(), c.name()).isNotNull();
      decoded.merge(r.object().kind(), 1, Integer::sum);
    }
    assertThat(problems).isEmpty();
    // The generator makes no ClusterNetworkPolicies (yet): every other kind.
    assertThat(decoded).containsKeys(Kind.NAMESPACE, Kind.POD, Kind.NETWORK_POLICY, Kind.NODE);
  }

  @Test
  void shouldRejectASizeThatDoesNotFitWithAMessageNamingIt() {
    assertThatThrownBy(() -> FleetSpec.parse("1/2/300/5"))
        .hasMessageContaining("1/2/300/5")
        .hasMessageContaining("110 pods per node");
    assertThatThrownBy(() -> FleetSpec.parse("1/x/3/5")).hasMessageContaining("'1/x/3/5'");
    assertThatThrownBy(() -> FleetSpec.parse("1/50"))
        .hasMessageContaining("clusters/nodes/pods/policies");
  }
}
