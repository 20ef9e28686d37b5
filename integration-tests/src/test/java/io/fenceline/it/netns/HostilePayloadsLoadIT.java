package io.fenceline.it.netns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceline.applier.kernel.CommandRunner;
import io.fenceline.core.compile.CompiledCluster;
import io.fenceline.core.hostile.HostileObjects;
import io.fenceline.core.hostile.PayloadGrammar;
import io.fenceline.core.manifest.Manifests;
import io.fenceline.core.manifest.RawObject;
import io.fenceline.core.manifest.SourceLocation;
import io.fenceline.core.render.NodePayload;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every payload that hostile clusters compile into loads into a real kernel: for each node, in a
 * scratch network namespace of its own, {@code ipset restore}, {@code iptables-restore --test} and
 * then the real {@code iptables-restore --noflush} and {@code ip6tables-restore --noflush}, and the
 * rules read back hold no user string outside a comment. A payload the kernel refuses would leave
 * that node on stale rules; one that passed the grammar but loaded differently would be a hole.
 */
class HostilePayloadsLoadIT {
  private static final int SEEDS = 150;
  private final String netns = "fnlfuzz-" + ProcessHandle.current().pid();

  @BeforeEach
  void root() {
    RootRequirement.check();
    CommandRunner.onHost()
        .attempt(List.of("ip", "netns", "del", netns), null); // a leftover of a killed run
  }

  @AfterEach
  void cleanUp() {
    CommandRunner.onHost().attempt(List.of("ip", "netns", "del", netns), null);
  }

  @Test
  void everyPayloadOfHostileClustersLoadsIntoTheKernel() {
    int objects = 0;
    int payloads = 0;
    int rules = 0;
    int members = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      List<ObjectNode> cluster = new HostileObjects(seed).cluster(25);
      objects += cluster.size();
      List<RawObject> raws = new ArrayList<>();
      for (int i = 0; i < cluster.size(); i++) {
        raws.add(new RawObject(cluster.get(i), new SourceLocation("seed-" + seed, i + 1)));
      }
      CompiledCluster compiled =
          CompiledCluster.fromScratch(Manifests.asUpserts(Manifests.decode(raws)));
      for (String node : compiled.nodes()) {
        NodePayload p = compiled.payload(node);
        assertThat(PayloadGrammar.violations(p)).as("seed %d node %s", seed, node).isEmpty();
        String where = "seed " + seed + " node " + node;
        CommandRunner.onHost().check("ip", "netns", "add", netns);
        try {
          load(where, p.ipsetRestore(), "ipset", "restore");
          load(where, p.iptablesRestore(), "iptables-restore", "--test", "--noflush");
          load(where, p.iptablesRestore(), "iptables-restore", "--noflush");
          load(where, p.ip6tablesRestore(), "ip6tables-restore", "--noflush");
          String saved =
              CommandRunner.inNetns(netns).check("iptables-save", "-t", "filter")
                  + CommandRunner.inNetns(netns).check("ip6tables-save", "-t", "filter");
          for (String line : saved.split("\n")) {
            if (line.startsWith("-A ")) {
              rules++;
              String outside =
                  line.replaceAll("--comment \"[^\"]*\"", "").replaceAll("--comment [^ \"]+", "");
              assertThat(outside)
                  .as("%s: kernel rule %s", where, line)
                  .matches("[A-Za-z0-9 ./:,_!-]*");
            }
          }
          members += (int) p.ipsetRestore().lines().filter(l -> l.startsWith("add ")).count();
          payloads++;
        } finally {
          CommandRunner.onHost().check("ip", "netns", "del", netns);
        }
      }
    }
    System.out.printf(
        "hostile input (kernel): %d objects in %d clusters, %d payloads loaded, %d rules and %d set members"
            + " in the kernel%n",
        objects, SEEDS, payloads, rules, members);
    assertThat(payloads).isGreaterThan(SEEDS);
  }

  private void load(String where, String input, String... tool) {
    CommandRunner.Result r = CommandRunner.inNetns(netns).attempt(List.of(tool), input);
    assertThat(r.exitCode())
        .as("%s: %s refused the payload: %s%n%s", where, String.join(" ", tool), r.stderr(), input)
        .isZero();
  }
}
