package io.fenceline.core.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.manifest.DecodedObjects;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.manifest.ObjectDecoder;
import io.fenceline.core.manifest.Problem;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.core.manifest.SourceLocation;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.Pod;
import io.fenceline.core.render.NodePayload;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Hostile objects through the whole pure path — decode, compile, render — as {@code fenceline
 * compile} runs it: nothing throws, every rejected object is reported with a field and a reason,
 * invalid policies fail closed, and every payload keeps user strings inside sanitised comments.
 */
class HostileDecodeTest {
  static final AtomicLong OBJECTS = new AtomicLong();
  static final AtomicLong PROBLEMS = new AtomicLong();
  static final AtomicLong PAYLOADS = new AtomicLong();

  @Property(tries = 300, shrinking = ShrinkingMode.OFF)
  void hostileClustersDecodeCompileAndRenderWithUserStringsOnlyInComments(@ForAll long seed) {
    List<ObjectNode> objects = new HostileObjects(seed).cluster(25);
    List<RawObject> raws = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      raws.add(new RawObject(objects.get(i), new SourceLocation("seed-" + seed + ".yaml", i + 1)));
    }
    DecodedObjects decoded = Manifests.decode(raws);
    OBJECTS.addAndGet(raws.size());
    PROBLEMS.addAndGet(decoded.problems().size());
    for (Problem p : decoded.problems()) {
      assertThat(p.field()).as("problem %s names a field", p).isNotBlank();
      assertThat(p.reason()).as("problem %s gives a reason", p).isNotBlank();
      assertThat(p.toString()).as("a problem is one line").doesNotContain("\n", "\r");
    }
    for (DecodedObjects.Located l : decoded.objects()) {
      if (l.object() instanceof NetworkPolicy np && np.failedClosed()) {
        assertThat(np.ingress()).isEmpty();
        assertThat(np.egress()).isEmpty();
        assertThat(np.policyTypes()).as("an invalid policy still isolates").isNotEmpty();
      }
      if (l.object() instanceof Pod pod) {
        assertThat(pod.ips())
            .as("no pod carries an unspecified address")
            .noneMatch(ip -> ip.toString().equals("0.0.0.0") || ip.toString().equals("::"));
      }
    }
    CompiledCluster compiled = CompiledCluster.fromScratch(Manifests.asUpserts(decoded));
    for (String node : compiled.nodes()) {
      NodePayload payload = compiled.payload(node);
      PAYLOADS.incrementAndGet();
      assertThat(PayloadGrammar.violations(payload))
          .as("payload of node %s (seed %d)", node, seed)
          .isEmpty();
    }
  }

  @Property(tries = 1000, shrinking = ShrinkingMode.OFF)
  void aSingleHostileObjectNeverThrowsAndEveryRejectionSaysWhy(@ForAll long seed) {
    ObjectNode o = new HostileObjects(seed).hostileObject();
    ObjectDecoder.Result r =
        ObjectDecoder.decode(new RawObject(o, new SourceLocation("one.yaml", 1)));
    OBJECTS.incrementAndGet();
    if (r.object() == null && r.ignoredKind() == null) {
      assertThat(r.problems()).as("a skipped object is reported: %s", o).isNotEmpty();
    }
  }

  @AfterContainer
  static void report() {
    System.out.printf(
        "hostile input (core): %d objects decoded, %d problems reported, %d payloads checked%n",
        OBJECTS.get(), PROBLEMS.get(), PAYLOADS.get());
  }
}
