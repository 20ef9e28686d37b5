package io.fenceline.core.render;

import java.util.List;
import java.util.Map;

/**
 * Restore input from a {@link RenderedNode}: the full payload, as {@code fenceline compile} writes
 * it.
 */
public final class PayloadText {
  private PayloadText() {}

  public static NodePayload full(RenderedNode n) {
    return new NodePayload(n.node(), ipsets(n.sets()), filter(n, 4), filter(n, 6));
  }

  /** Every set rebuilt without a gap: fill a temporary set, then swap it in. */
  static String ipsets(List<KernelSet> sets) {
    StringBuilder sb = new StringBuilder();
    for (KernelSet s : sets) {
      rebuild(sb, s);
    }
    return sb.toString();
  }

  static void rebuild(StringBuilder sb, KernelSet s) {
    sb.append("create ").append(s.name()).append(' ').append(s.createOptions()).append(" -exist\n");
    sb.append("create ")
        .append(s.tempName())
        .append(' ')
        .append(s.createOptions())
        .append(" -exist\n");
    sb.append("flush ").append(s.tempName()).append('\n');
    for (String m : s.members()) {
      sb.append("add ").append(s.tempName()).append(' ').append(m).append('\n');
    }
    sb.append("swap ").append(s.tempName()).append(' ').append(s.name()).append('\n');
    sb.append("destroy ").append(s.tempName()).append('\n');
  }

  static String header(String node, int family) {
    return "# fenceline payload for node "
        + Comments.sanitize(node)
        + " (IPv"
        + family
        + "); apply with ip"
        + (family == 4 ? "" : "6")
        + "tables-restore --noflush\n";
  }

  static String filter(RenderedNode n, int family) {
    StringBuilder sb = new StringBuilder(header(n.node(), family)).append("*filter\n");
    Map<String, List<String>> chains = n.chains(family);
    for (String chain : chains.keySet()) {
      sb.append(':').append(chain).append(" - [0:0]\n");
    }
    for (List<String> rules : chains.values()) {
      for (String r : rules) {
        sb.append(r).append('\n');
      }
    }
    sb.append(n.forwardJump()).append('\n');
    return sb.append("COMMIT\n").toString();
  }
}
