package io.fenceline.cli.compile;

import io.fenceline.core.facts.NodeModel;
import io.fenceline.core.render.NodePayload;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** Counts of what one node's payload holds, for the compile summary. */
public record NodeSummary(
    String node,
    int isolatedPods,
    int policyChains,
    int sets,
    int setMembers,
    int iptablesRules,
    int ip6tablesRules,
    Path dir) {

  public static NodeSummary of(NodeModel m, NodePayload p, Path dir) {
    return of(m, m.sets().values().stream().mapToInt(java.util.Set::size).sum(), p, dir);
  }

  /** For a model whose sets are listed without members ({@code FactTable.nodeStructure}). */
  public static NodeSummary of(NodeModel m, int members, NodePayload p, Path dir) {
    return new NodeSummary(
        m.node(),
        m.bindings().size(),
        m.chains().size(),
        m.sets().size(),
        members,
        rules(p.iptablesRestore()),
        rules(p.ip6tablesRestore()),
        dir);
  }

  static int rules(String restore) {
    return (int) restore.lines().filter(l -> l.startsWith("-A ") || l.startsWith("-I ")).count();
  }

  public static void printTable(PrintWriter out, List<NodeSummary> rows) {
    String fmt = "%-20s %9s %7s %5s %8s %7s %8s  %s%n";
    out.printf(fmt, "NODE", "ISOLATED", "CHAINS", "SETS", "MEMBERS", "RULES4", "RULES6", "PAYLOAD");
    for (NodeSummary r : rows) {
      out.printf(
          fmt,
          r.node,
          r.isolatedPods,
          r.policyChains,
          r.sets,
          r.setMembers,
          r.iptablesRules,
          r.ip6tablesRules,
          r.dir);
    }
  }

  static void printJson(PrintWriter out, List<NodeSummary> rows, int invalidObjects) {
    StringBuilder sb =
        new StringBuilder("{\"invalidObjects\":").append(invalidObjects).append(",\"nodes\":[");
    for (int i = 0; i < rows.size(); i++) {
      NodeSummary r = rows.get(i);
      sb.append(i == 0 ? "" : ",")
          .append("{\"node\":")
          .append(quote(r.node))
          .append(",\"isolatedPods\":")
          .append(r.isolatedPods)
          .append(",\"policyChains\":")
          .append(r.policyChains)
          .append(",\"sets\":")
          .append(r.sets)
          .append(",\"setMembers\":")
          .append(r.setMembers)
          .append(",\"iptablesRules\":")
          .append(r.iptablesRules)
          .append(",\"ip6tablesRules\":")
          .append(r.ip6tablesRules)
          .append(",\"payloadDir\":")
          .append(quote(r.dir.toString()))
          .append('}');
    }
    out.println(sb.append("]}"));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
