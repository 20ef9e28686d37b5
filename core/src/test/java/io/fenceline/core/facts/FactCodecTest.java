package io.fenceline.core.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.manifest.ManifestParser;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.Protocol;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FactCodecTest {
  @Test
  void everyFactOfTheExamplesRoundTrips() throws Exception {
    Path golden = Path.of(System.getProperty("golden.dir", "src/test/resources/golden"));
    String yaml =
        Files.readString(golden.resolve("named-ports-and-dual-stack/manifests.yaml"))
            + "\n---\n"
            + Files.readString(golden.resolve("ipblock-extremes/manifests.yaml"))
            + "\n---\n"
            + Files.readString(golden.resolve("cluster-network-policy/manifests.yaml"));
    CompiledCluster c =
        CompiledCluster.fromScratch(
            Manifests.asUpserts(Manifests.decode(ManifestParser.parse("t.yaml", yaml))));
    int n = 0;
    int tiered = 0;
    for (String node : c.nodes()) {
      NodeModel m = c.nodeModel(node);
      List<Fact> facts = new java.util.ArrayList<>(m.bindings());
      facts.addAll(m.chains().values());
      m.sets()
          .forEach(
              (ref, entries) -> entries.forEach(e -> facts.add(new SetMemberFact(ref.id(), e))));
      for (Fact f : facts) {
        if ((f instanceof PolicyChainFact pc && pc.tiered())
            || (f instanceof PodBindingFact b
                && !b.allChains().isEmpty()
                && (!b.ingressTiers().isEmpty() || !b.egressTiers().isEmpty()))) {
          tiered++;
        }
        FactCodec.Decoded d =
            FactCodec.decode(FactCodec.keyText("c1", f.key()), FactCodec.encode(f));
        assertThat(d.cluster()).isEqualTo("c1");
        assertThat(d.value()).isEqualTo(f);
        n++;
      }
    }
    assertThat(n).isGreaterThan(10);
    assertThat(tiered).as("tier chains and bindings with tiers among them").isGreaterThan(2);
  }

  @Test
  void tombstonesDecodeToAKeyWithoutValue() throws Exception {
    SetMemberFact m =
        new SetMemberFact(
            "SETID", SetEntry.ipPort(IpAddress.parse("fd00::1"), Protocol.SCTP, 3868));
    FactCodec.Decoded d = FactCodec.decode(FactCodec.keyText("c1", m.key()), null);
    assertThat(d.key()).isEqualTo(m.key());
    assertThat(d.value()).isNull();
  }

  @Test
  void entriesParseFromTheirIpsetText() {
    for (SetEntry e :
        List.of(
            SetEntry.ip(IpAddress.parse("10.0.0.1")),
            SetEntry.block(IpPrefix.parse("10.0.0.0/8"), true),
            SetEntry.block(IpPrefix.parse("::/1"), false),
            SetEntry.ipPort(IpAddress.parse("10.0.0.1"), Protocol.UDP, 53))) {
      assertThat(FactCodec.parseEntry(e.ipsetText())).isEqualTo(e);
    }
  }

  @Test
  void rejectsFutureVersionsAndMismatchedKeys() {
    assertThatThrownBy(
            () ->
                FactCodec.decode(
                    "c1/chain/X", "{\"v\":9,\"type\":\"chain\"}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("unsupported fact version");
    SetMemberFact m = new SetMemberFact("A", SetEntry.ip(IpAddress.parse("10.0.0.1")));
    assertThatThrownBy(() -> FactCodec.decode("c1/member/B/10.0.0.1", FactCodec.encode(m)))
        .hasMessageContaining("key does not match");
  }
}
