package io.fenceline.core.whatif;

import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.IpPrefix;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Addresses outside the pods, cut where any ipBlock, network or node address of either state begins
 * or ends: within one range every policy treats every address alike. Each range has a
 * representative address that no compared pod holds (a range of pod addresses only is left out:
 * those flows are the pods' own).
 */
final class AddressRanges {
  /** {@code [first, last]} of one family, and the address that stands for it. */
  record Range(int family, BigInteger first, BigInteger last, IpAddress representative) {
    String text() {
      IpAddress a = address(family, first);
      IpAddress b = address(family, last);
      return first.equals(last) ? a.toString() : a + "-" + b;
    }
  }

  private AddressRanges() {}

  /** {@code ranges} sorted, contiguous ones merged, as {@code a-b, c, d-e}. */
  static String text(List<Range> ranges) {
    List<Range> sorted =
        ranges.stream()
            .sorted(java.util.Comparator.comparingInt(Range::family).thenComparing(Range::first))
            .toList();
    List<Range> merged = new ArrayList<>();
    for (Range r : sorted) {
      Range last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null
          && last.family() == r.family()
          && last.last().add(BigInteger.ONE).compareTo(r.first()) >= 0) {
        merged.set(
            merged.size() - 1,
            new Range(r.family(), last.first(), last.last().max(r.last()), last.representative()));
      } else {
        merged.add(r);
      }
    }
    List<String> parts = new ArrayList<>();
    for (Range r : merged) {
      parts.add(r.text());
    }
    return String.join(", ", parts);
  }

  static List<Range> of(
      List<IpPrefix> prefixes,
      Set<IpAddress> nodeAddresses,
      Set<IpAddress> podAddresses,
      int family) {
    int bits = family == 4 ? 32 : 128;
    BigInteger end = BigInteger.ONE.shiftLeft(bits);
    TreeSet<BigInteger> cuts = new TreeSet<>();
    cuts.add(BigInteger.ZERO);
    cuts.add(end);
    for (IpPrefix p : prefixes) {
      if (p.family() != family) {
        continue;
      }
      BigInteger start = value(p.address().masked(p.length()));
      cuts.add(start);
      cuts.add(start.add(BigInteger.ONE.shiftLeft(bits - p.length())));
    }
    for (IpAddress a : nodeAddresses) {
      if (a.family() == family) {
        cuts.add(value(a));
        cuts.add(value(a).add(BigInteger.ONE));
      }
    }
    List<Range> out = new ArrayList<>();
    BigInteger prev = null;
    for (BigInteger cut : cuts) {
      if (prev != null) {
        BigInteger last = cut.subtract(BigInteger.ONE);
        IpAddress rep = representative(family, prev, last, podAddresses);
        if (rep != null) {
          out.add(new Range(family, prev, last, rep));
        }
      }
      prev = cut;
    }
    return out;
  }

  /** The first address of the range no pod holds (tries a few), or null. */
  private static IpAddress representative(
      int family, BigInteger first, BigInteger last, Set<IpAddress> podAddresses) {
    BigInteger v = first;
    for (int i = 0; i < 1024 && v.compareTo(last) <= 0; i++, v = v.add(BigInteger.ONE)) {
      IpAddress a = address(family, v);
      if (!podAddresses.contains(a)) {
        return a;
      }
    }
    return null;
  }

  static BigInteger value(IpAddress a) {
    return new BigInteger(1, a.bytes());
  }

  static IpAddress address(int family, BigInteger v) {
    int len = family == 4 ? 4 : 16;
    byte[] raw = v.toByteArray();
    byte[] out = new byte[len];
    int copy = Math.min(raw.length, len);
    System.arraycopy(raw, raw.length - copy, out, len - copy, copy);
    return IpAddress.ofBytes(out);
  }
}
