package io.fenceline.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.testing.ClusterState;
import io.fenceline.core.testing.RandomClusters;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Rendering each set once for all nodes gives the same bytes as rendering every node on its own.
 */
class ClusterRendererTest {
  @Provide
  Arbitrary<ClusterState> clusters() {
    return RandomClusters.clusters();
  }

  @Property(tries = 300)
  void sameBytesAsRenderingEachNodeAlone(@ForAll("clusters") ClusterState state) {
    CompiledCluster c = CompiledCluster.fromScratch(state.upserts());
    ClusterRenderer renderer = new ClusterRenderer(c.facts());
    // Twice over the nodes: the second pass renders every set from the kept text.
    for (int pass = 0; pass < 2; pass++) {
      for (String node : RandomClusters.NODES) {
        assertThat(renderer.render(node))
            .as("node %s, pass %d", node, pass)
            .isEqualTo(NodeRenderer.render(c.nodeModel(node)));
      }
    }
  }
}
