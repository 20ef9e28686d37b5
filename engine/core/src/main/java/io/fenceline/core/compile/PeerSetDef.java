package io.fenceline.core.compile;

import io.fenceline.core.facts.SetEntry;
import io.fenceline.core.facts.SetKind;
import io.fenceline.core.facts.SetRef;
import io.fenceline.core.hash.StableHash;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.LabelSelector;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.Protocol;
import io.fenceline.core.model.ContainerPort;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The definition of one set. Pod sets: pods of {@code scopeNamespace} (when {@code
 * namespaceSelector} is null) or of every namespace {@code namespaceSelector} matches, that {@code
 * podSelector} matches; for {@link SetKind#NAMED_PORT}, their {@code ip,proto:port} for the named
 * container port. Block sets: one ipBlock. Equal definitions are one set, shared by every policy.
 */
record PeerSetDef(
    SetKind kind,
    String scopeNamespace,
    LabelSelector namespaceSelector,
    LabelSelector podSelector,
    String portName,
    Protocol portProtocol,
    IpPrefix cidr,
    List<IpPrefix> except) {

  static PeerSetDef pods(String scopeNamespace, LabelSelector namespaceSelector, LabelSelector podSelector) {
    return new PeerSetDef(
        SetKind.POD_IPS,
        namespaceSelector == null ? scopeNamespace : null,
        namespaceSelector,
        podSelector == null ? LabelSelector.EVERYTHING : podSelector,
        null,
        null,
        null,
        List.of());
  }

  static PeerSetDef namedPort(
      String scopeNamespace, LabelSelector namespaceSelector, LabelSelector podSelector, String name, Protocol protocol) {
    return new PeerSetDef(
        SetKind.NAMED_PORT,
        namespaceSelector == null ? scopeNamespace : null,
        namespaceSelector,
        podSelector == null ? LabelSelector.EVERYTHING : podSelector,
        name,
        protocol,
        null,
        List.of());
  }

  static PeerSetDef block(IpPrefix cidr, List<IpPrefix> except) {
    return new PeerSetDef(SetKind.IP_BLOCK, null, null, null, null, null, cidr, except);
  }

  boolean isPodSet() {
    return kind != SetKind.IP_BLOCK;
  }

  String canonical() {
    return switch (kind) {
      case IP_BLOCK -> "block " + cidr + (except.isEmpty() ? "" : " except " + except);
      case POD_IPS -> "pods " + scope() + " pod" + podSelector;
      case NAMED_PORT -> "pods " + scope() + " pod" + podSelector + " port " + portProtocol.kernelName() + "/" + portName;
    };
  }

  private String scope() {
    return namespaceSelector == null ? "ns=" + scopeNamespace : "ns" + namespaceSelector;
  }

  SetRef ref() {
    return new SetRef(StableHash.of(canonical()), kind, kind == SetKind.IP_BLOCK ? cidr.family() : 0, canonical());
  }

  /** The entries {@code pod} puts into this set (assumes its namespace is in scope). */
  Set<SetEntry> entriesOf(Pod pod) {
    Set<SetEntry> out = new LinkedHashSet<>();
    if (kind == SetKind.POD_IPS) {
      for (IpAddress ip : pod.ips()) {
        out.add(SetEntry.ip(ip));
      }
    } else if (kind == SetKind.NAMED_PORT) {
      for (ContainerPort cp : pod.ports()) {
        if (portName.equals(cp.name()) && cp.protocol() == portProtocol) {
          for (IpAddress ip : pod.ips()) {
            out.add(SetEntry.ipPort(ip, portProtocol, cp.port()));
          }
        }
      }
    }
    return out;
  }

  /**
   * The static entries of a block set. {@code hash:net} refuses a zero-length prefix, so {@code
   * 0.0.0.0/0} and {@code ::/0} are split into their two halves; an except equal to one of those
   * halves cancels it.
   */
  List<SetEntry> blockEntries() {
    List<IpPrefix> positives = new ArrayList<>();
    if (cidr.length() == 0) {
      byte[] high = new byte[cidr.address().bitLength() / 8];
      high[0] = (byte) 0x80;
      positives.add(new IpPrefix(cidr.address(), 1));
      positives.add(new IpPrefix(IpAddress.ofBytes(high), 1));
    } else {
      positives.add(cidr);
    }
    List<SetEntry> out = new ArrayList<>();
    for (IpPrefix p : positives) {
      if (!except.contains(p)) {
        out.add(SetEntry.block(p, false));
      }
    }
    for (IpPrefix e : except) {
      if (!positives.contains(e)) {
        out.add(SetEntry.block(e, true));
      }
    }
    return out;
  }
}
