package io.fenceline.core.history;

import static io.fenceline.core.history.HistoryFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.explain.FlowExplainer;
import io.fenceline.core.model.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ClusterNetworkPolicies in forensics: folded from events, diffed, and used by explain. */
class ClusterPolicyHistoryTest {

  static ChangeEvent denyWebToDb(String action, int t, long g) {
    return ChangeEvent.upsert(
        CLUSTER,
        "ClusterNetworkPolicy",
        "",
        "guard",
        null,
        "cnp-" + t,
        at(t),
        g,
        json(
            "{\"apiVersion\":\"policy.networking.k8s.io/v1alpha2\",\"kind\":\"ClusterNetworkPolicy\","
                + "\"metadata\":{\"name\":\"guard\"},\"spec\":{\"tier\":\"Admin\",\"priority\":5,"
                + "\"subject\":{\"pods\":{\"namespaceSelector\":{},\"podSelector\":{\"matchLabels\":{\"app\":\"db\"}}}},"
                + "\"ingress\":[{\"name\":\"no-web\",\"action\":\""
                + action
                + "\",\"from\":[{\"pods\":{\"podSelector\":{\"matchLabels\":{\"app\":\"web\"}}}}]}]}}"));
  }

  @Test
  void aClusterPolicyIsFoldedDiffedAndExplained() {
    ChangeEvent[] base = {
      namespace("a", "{}", 1, 1),
      pod("a", "web", "web", "10.0.0.1", 2, 1),
      pod("a", "db", "db", "10.0.0.2", 3, 1),
      dbPolicy("a", 4, 1)
    };
    ClusterState before = fold(base);
    ClusterState after = fold(append(base, denyWebToDb("Deny", 5, 1)));
    assertThat(after.clusterPolicies()).extracting(c -> c.name()).containsExactly("guard");

    StateDiff d = StateDiff.between(before, after, List.of(), null, 10);
    assertThat(d.policies())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.label()).isEqualTo("ClusterNetworkPolicy guard");
              assertThat(p.change()).isEqualTo("added");
              assertThat(p.rvAfter()).isEqualTo("cnp-5");
            });
    assertThat(d.flows())
        .anySatisfy(
            f -> {
              assertThat(f.src().name()).isEqualTo("web");
              assertThat(f.dst().name()).isEqualTo("db");
              assertThat(f.before()).isTrue();
              assertThat(f.after()).isFalse();
            });

    FlowExplainer x = new FlowExplainer(after);
    FlowExplainer.Explanation e =
        x.explain(x.endpoint("a/web", 4), x.endpoint("a/db", 4), Protocol.TCP, 5432);
    assertThat(e.allowed()).isFalse();
    assertThat(e.ingress().decidingTier().describe())
        .isEqualTo("Admin tier ClusterNetworkPolicy guard (priority 5) rule 0 \"no-web\": Deny");

    ClusterState passed = fold(append(base, denyWebToDb("Pass", 5, 1)));
    FlowExplainer y = new FlowExplainer(passed);
    FlowExplainer.Explanation p =
        y.explain(y.endpoint("a/web", 4), y.endpoint("a/db", 4), Protocol.TCP, 5432);
    assertThat(p.allowed()).isTrue();
    assertThat(p.ingress().decidingTier()).isNull();
    assertThat(p.ingress().match().policy().name()).isEqualTo("db");
  }

  private static ChangeEvent[] append(ChangeEvent[] a, ChangeEvent e) {
    ChangeEvent[] out = java.util.Arrays.copyOf(a, a.length + 1);
    out[a.length] = e;
    return out;
  }
}
