package io.fenceline.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A golden copy of the topology's description: node, store and topic names must not drift (a
 * renamed store orphans its changelog and RocksDB state). Regenerate with -Dgolden.update=true.
 */
class TopologyDescriptionTest {
  @Test
  void topologyMatchesItsGoldenDescription() throws Exception {
    Path golden = Path.of("src/test/resources/topology.txt");
    String actual = EngineTopology.build(12, 6).describe().toString();
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, actual);
    }
    assertThat(actual).isEqualTo(Files.readString(golden));
  }
}
