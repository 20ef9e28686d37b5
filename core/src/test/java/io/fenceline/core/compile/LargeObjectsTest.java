package io.fenceline.core.compile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.events.EventObjects;
import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.manifest.OversizeObjects;
import io.fenceline.core.manifest.Problem;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.core.manifest.SourceLocation;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.Direction;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import io.fenceline.core.render.NodePayload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Objects and policies of any size: enforced exactly when they fit, failing closed when they
 * cannot.
 */
class LargeObjectsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void tenThousandIpBlocksCostOneRuleAndOneSet() {
    CompiledCluster c =
        compile(pod("web-0", "10.244.1.10", "app", "web"), blockPolicy("many", 10_000, false));
    NodeModel m = c.nodeModel("node-1");
    assertThat(m.chains()).hasSize(1);
    assertThat(m.chains().values().iterator().next().clauses()).hasSize(1);
    NodePayload p = c.payload("node-1");
    assertThat(p.iptablesRestore().lines().filter(l -> l.contains("--match-set FNL-B4-")).count())
        .isEqualTo(1);
    assertThat(p.ipsetRestore().lines().filter(l -> l.startsWith("add ")).count())
        .isEqualTo(10_000);
  }

  @Test
  void aPolicyTooLargeForAnEventFailsClosedAlikeInCompileAndThePipeline() {
    RawObject raw = raw(blockPolicy("huge", 60_000, true));
    long size = OversizeObjects.size(raw.node());
    assertThat(size).isGreaterThan(OversizeObjects.MAX_OBJECT_BYTES);

    DecodedObjects compiled = Manifests.decode(List.of(raw), r -> OversizeObjects.size(r.node()));
    NetworkPolicy viaCompile = (NetworkPolicy) compiled.objects().get(0).object();
    assertThat(viaCompile.failedClosed()).isTrue();
    assertThat(viaCompile.policyTypes())
        .containsExactlyInAnyOrder(Direction.INGRESS, Direction.EGRESS);
    assertThat(compiled.problems())
        .map(Problem::toString)
        .singleElement()
        .asString()
        .contains("NetworkPolicy shop/huge", size + " bytes", "fail closed");

    ChangeEvent published =
        EventObjects.fit(
            ChangeEvent.upsert(
                "c1",
                "NetworkPolicy",
                "shop",
                "huge",
                null,
                null,
                Instant.parse("2026-12-01T00:00:00Z"),
                1,
                raw.node()));
    assertThat(published.truncated())
        .isEqualTo(new ChangeEvent.Truncation(size, OversizeObjects.MAX_OBJECT_BYTES));
    assertThat(EventCodec.encode(published).length).isLessThan(2_000);
    EventObjects.Result viaEngine = EventObjects.decode(published, "fenceline.events-0@7");
    assertThat(viaEngine.object()).isEqualTo(viaCompile);
    assertThat(viaEngine.problems()).contains(size + " bytes");
  }

  @Test
  void aPodTooLargeForAnEventIsIsolatedBothWaysAndInNoPeerSet() {
    ObjectNode big = pod("big-0", "10.244.1.20", "app", "web");
    ObjectNode labels = (ObjectNode) big.path("metadata").path("labels");
    for (int i = 0; labels.toString().length() < 1_100_000; i++) {
      labels.put("example.com/label-" + i, "v".repeat(60));
    }
    RawObject raw = raw(big);
    DecodedObjects d =
        Manifests.decode(
            List.of(raw(pod("web-0", "10.244.1.10", "app", "web")), raw, raw(allowFromEveryPod())),
            r -> OversizeObjects.size(r.node()));
    Pod quarantined =
        d.objects().stream()
            .map(DecodedObjects.Located::object)
            .filter(o -> o instanceof Pod p && p.key().name().equals("big-0"))
            .map(Pod.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(quarantined.quarantined()).isTrue();
    assertThat(quarantined.labels()).isEmpty();

    CompiledCluster c = CompiledCluster.fromScratch(Manifests.asUpserts(d));
    NodeModel m = c.nodeModel("node-1");
    PodBindingFact b =
        m.bindings().stream().filter(x -> x.pod().name().equals("big-0")).findFirst().orElseThrow();
    assertThat(b.ingressIsolated()).isTrue();
    assertThat(b.egressIsolated()).isTrue();
    assertThat(b.ingressChains()).isEmpty();
    assertThat(b.egressChains()).isEmpty();
    assertThat(c.payload("node-1").ipsetRestore())
        .contains("10.244.1.10")
        .doesNotContain("10.244.1.20");
  }

  @Test
  void aPolicyWhoseChainWouldNotFitOneRecordFailsClosedWithTheReason() {
    ObjectNode p = policyShell("wide");
    ArrayNode from = ((ObjectNode) p.path("spec")).putArray("ingress").addObject().putArray("from");
    for (int i = 0; i < 10_000; i++) {
      from.addObject()
          .putObject("podSelector")
          .putObject("matchLabels")
          .put("app", "a".repeat(55) + i);
    }
    DecodedObjects d = Manifests.decode(List.of(raw(p)));
    NetworkPolicy np = (NetworkPolicy) d.objects().get(0).object();
    assertThat(np.failedClosed()).isTrue();
    assertThat(d.problems())
        .map(Problem::toString)
        .singleElement()
        .asString()
        .contains("larger than one node fact may be", "ingress");
    NetworkPolicy unbounded =
        new NetworkPolicy(
            np.key(),
            np.podSelector(),
            np.policyTypes(),
            ((NetworkPolicy)
                    Manifests.decode(List.of(raw(policyShell("small")))).objects().get(0).object())
                .ingress(),
            List.of(),
            false);
    assertThat(ChainBudget.excess(unbounded, Direction.INGRESS)).isZero();
  }

  private static CompiledCluster compile(ObjectNode... objects) {
    List<RawObject> raws = new ArrayList<>();
    for (ObjectNode o : objects) {
      raws.add(raw(o));
    }
    DecodedObjects d = Manifests.decode(raws);
    assertThat(d.problems()).isEmpty();
    List<ClusterChange> upserts = Manifests.asUpserts(d);
    return CompiledCluster.fromScratch(upserts);
  }

  private static RawObject raw(ObjectNode o) {
    return new RawObject(o, new SourceLocation("large.yaml", 1));
  }

  static ObjectNode pod(String name, String ip, String label, String value) {
    ObjectNode p = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
    p.putObject("metadata")
        .put("name", name)
        .put("namespace", "shop")
        .putObject("labels")
        .put(label, value);
    p.putObject("spec").put("nodeName", "node-1");
    p.putObject("status").put("phase", "Running").put("podIP", ip);
    return p;
  }

  private static ObjectNode policyShell(String name) {
    ObjectNode p =
        JSON.createObjectNode()
            .put("apiVersion", "networking.k8s.io/v1")
            .put("kind", "NetworkPolicy");
    p.putObject("metadata").put("name", name).put("namespace", "shop");
    p.putObject("spec").putObject("podSelector").putObject("matchLabels").put("app", "web");
    return p;
  }

  private static ObjectNode allowFromEveryPod() {
    ObjectNode p = policyShell("from-everyone");
    ((ObjectNode) p.path("spec"))
        .putArray("ingress")
        .addObject()
        .putArray("from")
        .addObject()
        .putObject("podSelector");
    return p;
  }

  /**
   * A policy allowing ingress from {@code blocks} /32 ipBlocks (and egress to them when {@code
   * egress}).
   */
  static ObjectNode blockPolicy(String name, int blocks, boolean egress) {
    ObjectNode p = policyShell(name);
    ObjectNode spec = (ObjectNode) p.path("spec");
    ArrayNode from = spec.putArray("ingress").addObject().putArray("from");
    for (int i = 0; i < blocks; i++) {
      int a = 2 * i; // every other address: no two blocks merge into a wider prefix
      from.addObject()
          .putObject("ipBlock")
          .put(
              "cidr", "172." + (16 + a / 65_536) + "." + (a / 256 % 256) + "." + (a % 256) + "/32");
    }
    if (egress) {
      spec.putArray("egress").addObject().set("to", from.deepCopy());
    }
    return p;
  }

  @SuppressWarnings("unused")
  private static ObjectKey key(String ns, String name) {
    return new ObjectKey(ns, name);
  }
}
