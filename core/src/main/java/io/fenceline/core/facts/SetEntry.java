package io.fenceline.core.facts;

import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.Protocol;
import java.util.Objects;

/**
 * One member of a set: an address ({@code hash:ip}), an address with protocol and port ({@code
 * hash:ip,port}) or a block, possibly {@code nomatch} ({@code hash:net}). Its text form is what
 * {@code ipset add} takes and doubles as a stable key.
 */
public record SetEntry(IpPrefix prefix, boolean nomatch, Protocol protocol, int port)
    implements Comparable<SetEntry> {

  public SetEntry {
    Objects.requireNonNull(prefix, "prefix");
  }

  public static SetEntry ip(IpAddress ip) {
    return new SetEntry(IpPrefix.host(ip), false, null, 0);
  }

  public static SetEntry ipPort(IpAddress ip, Protocol protocol, int port) {
    return new SetEntry(IpPrefix.host(ip), false, Objects.requireNonNull(protocol), port);
  }

  public static SetEntry block(IpPrefix prefix, boolean nomatch) {
    return new SetEntry(prefix, nomatch, null, 0);
  }

  public int family() {
    return prefix.family();
  }

  /** The member as {@code ipset add} spells it. */
  public String ipsetText() {
    boolean host = prefix.length() == prefix.address().bitLength();
    String addr = host && !nomatch ? prefix.address().toString() : prefix.toString();
    if (protocol != null) {
      return addr + "," + protocol.kernelName() + ":" + port;
    }
    return nomatch ? addr + " nomatch" : addr;
  }

  @Override
  public int compareTo(SetEntry o) {
    int c = prefix.compareTo(o.prefix);
    if (c != 0) {
      return c;
    }
    c = Boolean.compare(nomatch, o.nomatch);
    if (c != 0) {
      return c;
    }
    c =
        Integer.compare(
            protocol == null ? -1 : protocol.ordinal(),
            o.protocol == null ? -1 : o.protocol.ordinal());
    return c != 0 ? c : Integer.compare(port, o.port);
  }

  @Override
  public String toString() {
    return ipsetText();
  }
}
