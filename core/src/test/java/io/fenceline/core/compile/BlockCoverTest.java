package io.fenceline.core.compile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.PolicyPeer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The union of several ipBlocks as disjoint prefixes matches exactly what the blocks match one by
 * one.
 */
class BlockCoverTest {

  @Property(tries = 300)
  void coverMatchesExactlyTheAddressesSomeBlockAllows(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int blocks) {
    Random random = new Random(seed);
    List<PolicyPeer.IpBlock> list = new ArrayList<>();
    for (int i = 0; i < blocks; i++) {
      IpPrefix cidr = v4(random.nextInt(1 << 12), 20 + random.nextInt(13));
      List<IpPrefix> except = new ArrayList<>();
      for (int e = random.nextInt(3); e > 0 && cidr.length() < 32; e--) {
        int len = cidr.length() + 1 + random.nextInt(32 - cidr.length());
        except.add(v4(index(cidr) + random.nextInt(1 << (32 - cidr.length())), len));
      }
      list.add(new PolicyPeer.IpBlock(cidr, except));
    }
    List<IpPrefix> cover = BlockCover.of(list, 4);
    for (int a = 0; a < 1 << 12; a++) {
      IpAddress ip = v4(a, 32).address();
      boolean allowed =
          list.stream()
              .anyMatch(
                  b -> b.cidr().contains(ip) && b.except().stream().noneMatch(e -> e.contains(ip)));
      long matches = cover.stream().filter(p -> p.contains(ip)).count();
      assertThat(matches).as("%s in %s (cover %s)", ip, list, cover).isEqualTo(allowed ? 1 : 0);
    }
    for (int i = 1; i < cover.size(); i++) {
      assertThat(cover.get(i - 1).compareTo(cover.get(i))).isNegative();
    }
  }

  @Test
  void wholeSpaceComesOutAsTwoHalvesAndAdjacentBlocksMerge() {
    assertThat(BlockCover.of(List.of(block("0.0.0.0/1"), block("128.0.0.0/1")), 4))
        .extracting(IpPrefix::toString)
        .containsExactly("0.0.0.0/1", "128.0.0.0/1");
    assertThat(
            BlockCover.of(
                List.of(block("10.0.0.0/25"), block("10.0.0.128/25"), block("10.0.1.0/24")), 4))
        .extracting(IpPrefix::toString)
        .containsExactly("10.0.0.0/23");
    assertThat(BlockCover.of(List.of(block("::/0"), block("fd00::/8")), 6))
        .extracting(IpPrefix::toString)
        .containsExactly("::/1", "8000::/1");
  }

  @Test
  void anExceptOfOneBlockNeverRemovesWhatAnotherAllows() {
    PolicyPeer.IpBlock wide =
        new PolicyPeer.IpBlock(
            IpPrefix.parse("10.0.0.0/8"), List.of(IpPrefix.parse("10.1.0.0/16")));
    assertThat(BlockCover.of(List.of(wide, block("10.1.2.0/24")), 4))
        .extracting(IpPrefix::toString)
        .contains("10.1.2.0/24", "10.0.0.0/16")
        .doesNotContain("10.1.0.0/16");
  }

  private static PolicyPeer.IpBlock block(String cidr) {
    return new PolicyPeer.IpBlock(IpPrefix.parse(cidr), List.of());
  }

  private static int index(IpPrefix p) {
    byte[] b = p.address().bytes();
    return ((b[2] & 0xff) << 8 | (b[3] & 0xff)) & 0xfff;
  }

  /** An address of 10.0.0.0/20 by index, as a prefix of {@code length}. */
  private static IpPrefix v4(int index, int length) {
    int a = (10 << 24) | (index & 0xfff);
    return new IpPrefix(
        IpAddress.ofBytes(
            new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a}),
        Math.max(length, 20));
  }
}
