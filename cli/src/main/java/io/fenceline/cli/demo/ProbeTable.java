package io.fenceline.cli.demo;

import io.fenceline.sandbox.LabHost;
import io.fenceline.sandbox.NetnsLab;
import io.fenceline.sandbox.Probe;
import io.fenceline.sandbox.ProbeResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Probes every ordered pair of hosts on one TCP port and prints who can reach whom. */
final class ProbeTable {
  private ProbeTable() {}

  static void print(PrintWriter out, NetnsLab lab, int port) {
    List<LabHost> hosts = lab.spec().hosts();
    List<Probe> probes = new ArrayList<>();
    for (LabHost from : hosts) {
      for (LabHost to : hosts) {
        if (from != to) {
          probes.add(new Probe(from.id(), to.id(), "TCP", port, 4));
        }
      }
    }
    Map<Probe, ProbeResult> results = lab.probeAll(probes);
    out.println();
    out.printf(
        "Probe matrix, TCP %d, real packets through the node namespaces (row = from, column = to):%n",
        port);
    int w = hosts.stream().mapToInt(h -> h.id().length()).max().orElse(4) + 6;
    StringBuilder header = new StringBuilder(" ".repeat(w));
    for (int i = 0; i < hosts.size(); i++) {
      header.append(String.format("%-4s", "#" + (i + 1)));
    }
    out.println(header);
    for (int r = 0; r < hosts.size(); r++) {
      StringBuilder row =
          new StringBuilder(String.format("%-" + w + "s", "#" + (r + 1) + " " + hosts.get(r).id()));
      for (LabHost to : hosts) {
        if (to == hosts.get(r)) {
          row.append(String.format("%-4s", "-"));
        } else {
          row.append(
              String.format(
                  "%-4s",
                  results.get(new Probe(hosts.get(r).id(), to.id(), "TCP", port, 4)).connected()
                      ? "ok"
                      : "X"));
        }
      }
      out.println(row);
    }
    out.flush();
  }
}
