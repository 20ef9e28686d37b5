package io.fenceline.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.facts.PodBindingFact;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.ObjectKey;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** A binding whose policy chain has not arrived renders as deny, never as allow. */
class FailClosedRenderTest {
  @Test
  void aMissingChainGivesNoAllowButKeepsTheIsolation() {
    PodBindingFact b =
        new PodBindingFact(
            "n1",
            ObjectKey.of("prod", "db"),
            List.of(IpAddress.parse("10.0.0.1")),
            true,
            false,
            List.of("NOTARRIVEDYET000"),
            List.of());
    NodeModel m =
        new NodeModel(
            "n1",
            List.of(b),
            new TreeMap<>(),
            new TreeMap<>(),
            new TreeSet<>(List.of("NOTARRIVEDYET000")));
    String rules = NodeRenderer.render(m).iptablesRestore();
    String chain = KernelNames.podChain(io.fenceline.core.model.Direction.INGRESS, b.pod());
    assertThat(rules)
        .contains("-A FNL-FORWARD -d 10.0.0.1/32")
        .contains(
            "-A " + chain + " -m comment --comment \"prod/db ingress: no policy allows\" -j REJECT")
        .doesNotContain("FNL-POL-NOTARRIVEDYET000");
  }
}
