package io.fenceline.core.compile;

import io.fenceline.core.facts.SetEntry;
import io.fenceline.core.facts.SetKind;
import io.fenceline.core.facts.SetRef;
import io.fenceline.core.hash.StableHash;
import io.fenceline.core.model.ContainerPort;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.IpPrefix;
import io.fenceline.core.model.LabelSelector;
import io.fenceline.core.model.Node;
import io.fenceline.core.model.Pod;
import io.fenceline.core.model.PolicyPeer;
import io.fenceline.core.model.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The definition of one set. Pod sets: pods of {@code scopeNamespace} (when {@code
 * namespaceSelector} is null) or of every namespace {@code namespaceSelector} matches, that {@code
 * podSelector} matches; for {@link SetKind#NAMED_PORT}, their {@code ip,proto:port} for the named
 * container port. Block sets: the ipBlocks of one rule of one address family: one block as its CIDR
 * with its excepts as {@code nomatch} entries, several as the disjoint prefixes they allow together
 * (see {@link BlockCover}: one block's except must not remove what another allows). {@code
 * blockCanonical} is what the set is (hashed into its id), {@code blockWords} what a person reads.
 * Node sets: the addresses of the nodes {@code nodeSelector} matches. Equal definitions are one
 * set, shared by every policy.
 */
record PeerSetDef(
    SetKind kind,
    String scopeNamespace,
    LabelSelector namespaceSelector,
    LabelSelector podSelector,
    String portName,
    Protocol portProtocol,
    int blockFamily,
    List<SetEntry> blockEntries,
    String blockCanonical,
    String blockWords,
    LabelSelector nodeSelector) {

  /**
   * The longest set definition a chain fact carries (for people reading payloads; the id hashes all
   * of it).
   */
  static final int MAX_DEFINITION_CHARS = 200;

  static PeerSetDef pods(
      String scopeNamespace, LabelSelector namespaceSelector, LabelSelector podSelector) {
    return new PeerSetDef(
        SetKind.POD_IPS,
        namespaceSelector == null ? scopeNamespace : null,
        namespaceSelector,
        podSelector == null ? LabelSelector.EVERYTHING : podSelector,
        null,
        null,
        0,
        List.of(),
        null,
        null,
        null);
  }

  static PeerSetDef namedPort(
      String scopeNamespace,
      LabelSelector namespaceSelector,
      LabelSelector podSelector,
      String name,
      Protocol protocol) {
    return new PeerSetDef(
        SetKind.NAMED_PORT,
        namespaceSelector == null ? scopeNamespace : null,
        namespaceSelector,
        podSelector == null ? LabelSelector.EVERYTHING : podSelector,
        name,
        protocol,
        0,
        List.of(),
        null,
        null,
        null);
  }

  /**
   * The ipBlocks of address family {@code family} among {@code blocks}, as one set (null if none).
   */
  static PeerSetDef blocks(List<PolicyPeer.IpBlock> blocks, int family) {
    List<PolicyPeer.IpBlock> ofFamily =
        blocks.stream().filter(b -> b.cidr().family() == family).toList();
    if (ofFamily.isEmpty()) {
      return null;
    }
    if (ofFamily.size() == 1) {
      PolicyPeer.IpBlock b = ofFamily.get(0);
      String canonical =
          "block " + b.cidr() + (b.except().isEmpty() ? "" : " except " + b.except());
      return new PeerSetDef(
          SetKind.IP_BLOCK,
          null,
          null,
          null,
          null,
          null,
          family,
          oneBlock(b.cidr(), b.except()),
          canonical,
          canonical,
          null);
    }
    StringBuilder words = new StringBuilder(ofFamily.size() + " blocks ");
    for (PolicyPeer.IpBlock b : ofFamily) {
      if (words.length() > MAX_DEFINITION_CHARS) {
        break;
      }
      words.append(b == ofFamily.get(0) ? "" : ", ").append(b.cidr());
      if (!b.except().isEmpty()) {
        words.append(" except ").append(b.except());
      }
    }
    List<SetEntry> entries =
        BlockCover.of(ofFamily, family).stream().map(p -> SetEntry.block(p, false)).toList();
    String canonical =
        "blocks " + entries.stream().map(SetEntry::ipsetText).collect(Collectors.joining(","));
    return new PeerSetDef(
        SetKind.IP_BLOCK,
        null,
        null,
        null,
        null,
        null,
        family,
        entries,
        canonical,
        words.toString(),
        null);
  }

  static PeerSetDef nodes(LabelSelector nodeSelector) {
    return new PeerSetDef(
        SetKind.NODE_IPS, null, null, null, null, null, 0, List.of(), null, null, nodeSelector);
  }

  /**
   * The entries of one block: its CIDR and its excepts as {@code nomatch}. {@code hash:net} refuses
   * a zero-length prefix, so {@code 0.0.0.0/0} and {@code ::/0} are split into their two halves; an
   * except equal to one of those halves cancels it.
   */
  private static List<SetEntry> oneBlock(IpPrefix cidr, List<IpPrefix> except) {
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
    return List.copyOf(out);
  }

  boolean isPodSet() {
    return kind == SetKind.POD_IPS || kind == SetKind.NAMED_PORT;
  }

  /** What the set is, exactly: its id is a hash of this. */
  String canonical() {
    return switch (kind) {
      case IP_BLOCK -> blockCanonical;
      case NODE_IPS -> "nodes " + nodeSelector;
      case POD_IPS -> "pods " + scope() + " pod" + podSelector;
      case NAMED_PORT ->
          "pods "
              + scope()
              + " pod"
              + podSelector
              + " port "
              + portProtocol.kernelName()
              + "/"
              + portName;
    };
  }

  private String scope() {
    return namespaceSelector == null ? "ns=" + scopeNamespace : "ns" + namespaceSelector;
  }

  SetRef ref() {
    String definition = kind == SetKind.IP_BLOCK ? blockWords : canonical();
    if (definition.length() > MAX_DEFINITION_CHARS) {
      definition = definition.substring(0, MAX_DEFINITION_CHARS) + "...";
    }
    return new SetRef(
        StableHash.of(canonical()), kind, kind == SetKind.IP_BLOCK ? blockFamily : 0, definition);
  }

  /** The entries {@code node} puts into this node set (assumes its labels match). */
  Set<SetEntry> entriesOf(Node node) {
    Set<SetEntry> out = new LinkedHashSet<>();
    for (IpAddress ip : node.addresses()) {
      out.add(SetEntry.ip(ip));
    }
    return out;
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
}
