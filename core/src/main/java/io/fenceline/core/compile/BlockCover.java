package io.fenceline.core.compile;

import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.PolicyPeer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The addresses several ipBlocks of one family allow together, as the fewest disjoint prefixes: the
 * union of every block's CIDR minus that block's own excepts. One {@code hash:net} set of these
 * prefixes matches exactly what the blocks match one by one, without {@code nomatch} entries (an
 * except of one block never removes addresses another block allows). A zero-length prefix, which
 * {@code hash:net} refuses, comes out as its two halves.
 */
final class BlockCover {
  private BlockCover() {}

  private record Range(BigInteger first, BigInteger last) {}

  /** The cover of {@code blocks}, all of address family {@code family}, sorted by address. */
  static List<IpPrefix> of(List<PolicyPeer.IpBlock> blocks, int family) {
    int bits = family == 4 ? 32 : 128;
    List<Range> ranges = new ArrayList<>();
    for (PolicyPeer.IpBlock b : blocks) {
      if (b.cidr().family() != family) {
        throw new IllegalArgumentException("block " + b.cidr() + " is not of family " + family);
      }
      subtract(range(b.cidr()), b.except(), family, ranges);
    }
    ranges.sort(Comparator.comparing(Range::first));
    List<IpPrefix> out = new ArrayList<>();
    Range open = null;
    for (Range r : ranges) {
      if (open != null && r.first().compareTo(open.last().add(BigInteger.ONE)) <= 0) {
        open = new Range(open.first(), open.last().max(r.last()));
        continue;
      }
      if (open != null) {
        prefixes(open, bits, out);
      }
      open = r;
    }
    if (open != null) {
      prefixes(open, bits, out);
    }
    return out;
  }

  /** {@code whole} minus the excepts that overlap it, added to {@code out}. */
  private static void subtract(Range whole, List<IpPrefix> except, int family, List<Range> out) {
    List<Range> holes = new ArrayList<>();
    for (IpPrefix e : except) {
      if (e.family() == family) {
        holes.add(range(e));
      }
    }
    holes.sort(Comparator.comparing(Range::first));
    BigInteger next = whole.first();
    for (Range h : holes) {
      if (h.last().compareTo(next) < 0 || h.first().compareTo(whole.last()) > 0) {
        continue;
      }
      if (h.first().compareTo(next) > 0) {
        out.add(new Range(next, h.first().subtract(BigInteger.ONE)));
      }
      next = next.max(h.last().add(BigInteger.ONE));
    }
    if (next.compareTo(whole.last()) <= 0) {
      out.add(new Range(next, whole.last()));
    }
  }

  private static Range range(IpPrefix p) {
    int bits = p.address().bitLength();
    BigInteger first = new BigInteger(1, p.address().masked(p.length()).bytes());
    BigInteger size = BigInteger.ONE.shiftLeft(bits - p.length());
    return new Range(first, first.add(size).subtract(BigInteger.ONE));
  }

  /** The fewest aligned prefixes that cover {@code r} exactly. */
  private static void prefixes(Range r, int bits, List<IpPrefix> out) {
    BigInteger start = r.first();
    while (start.compareTo(r.last()) <= 0) {
      int size = start.signum() == 0 ? bits : start.getLowestSetBit(); // alignment of start
      while (size > 0
          && start.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(r.last())
              > 0) {
        size--;
      }
      if (size == bits) { // the whole space: hash:net wants two halves
        out.add(prefix(BigInteger.ZERO, 1, bits));
        out.add(prefix(BigInteger.ONE.shiftLeft(bits - 1), 1, bits));
      } else {
        out.add(prefix(start, bits - size, bits));
      }
      start = start.add(BigInteger.ONE.shiftLeft(size));
    }
  }

  private static IpPrefix prefix(BigInteger address, int length, int bits) {
    byte[] raw = address.toByteArray();
    byte[] bytes = new byte[bits / 8];
    int copy = Math.min(raw.length, bytes.length);
    System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
    return new IpPrefix(IpAddress.ofBytes(bytes), length);
  }
}
