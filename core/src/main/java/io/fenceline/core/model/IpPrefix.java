package io.fenceline.core.model;

/**
 * A CIDR block. Host bits of the literal are cleared, as the API server's historical (sloppy) CIDR
 * parsing accepts them; {@link #parse} still rejects anything that is not address/length.
 */
public record IpPrefix(IpAddress address, int length) implements Comparable<IpPrefix> {
  public IpPrefix {
    if (length < 0 || length > address.bitLength()) {
      throw new IllegalArgumentException(
          "prefix length " + length + " out of range for " + address);
    }
    address = address.masked(length);
  }

  public static IpPrefix parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("missing CIDR");
    }
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("invalid CIDR '" + text + "': no prefix length");
    }
    IpAddress addr;
    try {
      addr = IpAddress.parse(text.substring(0, slash));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid CIDR '" + text + "': bad address", e);
    }
    String len = text.substring(slash + 1);
    if (len.isEmpty()
        || len.length() > 3
        || !len.chars().allMatch(c -> c >= '0' && c <= '9')
        || (len.length() > 1 && len.charAt(0) == '0')) {
      throw new IllegalArgumentException("invalid CIDR '" + text + "': bad prefix length");
    }
    int n = Integer.parseInt(len);
    if (n > addr.bitLength()) {
      throw new IllegalArgumentException(
          "invalid CIDR '" + text + "': prefix length " + n + " exceeds " + addr.bitLength());
    }
    return new IpPrefix(addr, n);
  }

  public static IpPrefix host(IpAddress address) {
    return new IpPrefix(address, address.bitLength());
  }

  public int family() {
    return address.family();
  }

  public boolean contains(IpAddress ip) {
    if (ip.family() != address.family()) {
      return false;
    }
    return ip.masked(length).equals(address);
  }

  /** Whether {@code other} lies inside this block (equal blocks included). */
  public boolean contains(IpPrefix other) {
    return other.family() == family() && other.length >= length && contains(other.address);
  }

  @Override
  public int compareTo(IpPrefix o) {
    int c = address.compareTo(o.address);
    return c != 0 ? c : Integer.compare(length, o.length);
  }

  @Override
  public String toString() {
    return address + "/" + length;
  }
}
