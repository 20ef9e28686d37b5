package io.fenceline.it.conformance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The figures of a chaos run: faults injected, convergence after each, divergences, probes. */
final class ChaosReport {
  enum Fault {
    ENGINE("engine SIGKILL"),
    APPLIER("applier SIGKILL"),
    BROKER("broker SIGKILL"),
    INGEST("ingest SIGKILL, objects deleted while down");

    final String description;

    Fault(String description) {
      this.description = description;
    }
  }

  /**
   * One fault and its recovery. {@code heldBack}: how long read_committed appliers saw nothing new
   * after an engine kill that left a transaction open (null otherwise); {@code sinceRestart}: from
   * the restart of the killed process until every node's kernel equals the compile of the state;
   * {@code sinceKill}: the same from the kill. Null durations: did not converge.
   */
  record Recovery(
      int run,
      Fault fault,
      String detail,
      Duration heldBack,
      Duration sinceKill,
      Duration sinceRestart) {}

  final long seed;
  final List<Recovery> recoveries = new ArrayList<>();
  final List<String> divergences = new ArrayList<>();
  int runs;
  int changes;
  int probes;
  int checks;
  long rulesCompared;
  long membersCompared;
  Duration coldStart;

  ChaosReport(long seed) {
    this.seed = seed;
  }

  Map<Fault, Integer> faultCounts() {
    Map<Fault, Integer> counts = new TreeMap<>();
    recoveries.forEach(r -> counts.merge(r.fault(), 1, Integer::sum));
    return counts;
  }

  String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "chaos: seed %d, %d runs, %d changes, %d faults %s, %d state checks, %d probes, "
                + "%d divergences (%d rules and %d set members compared); cold start converged in %s%n",
            seed,
            runs,
            changes,
            recoveries.size(),
            faultCounts(),
            checks,
            probes,
            divergences.size(),
            rulesCompared,
            membersCompared,
            seconds(coldStart)));
    for (Fault f : Fault.values()) {
      List<Recovery> of = recoveries.stream().filter(r -> r.fault() == f).toList();
      if (of.isEmpty()) {
        continue;
      }
      sb.append(
          String.format(
              "chaos: %-44s n=%-3d converged after restart: %s; after kill: %s%s%n",
              f.description,
              of.size(),
              stats(of.stream().map(Recovery::sinceRestart).toList()),
              stats(of.stream().map(Recovery::sinceKill).toList()),
              f == Fault.ENGINE
                  ? "; appliers held back by the killed engine's open transaction, engine kept down: "
                      + stats(heldBack(of, "kept down"))
                      + ", engine restarted at once: "
                      + stats(heldBack(of, "at once"))
                  : ""));
    }
    for (Recovery r : recoveries) {
      sb.append(
          String.format(
              "chaos: run %d %s (%s): held back %s, converged %s after restart, %s after kill%n",
              r.run(),
              r.fault().description,
              r.detail(),
              seconds(r.heldBack()),
              seconds(r.sinceRestart()),
              seconds(r.sinceKill())));
    }
    divergences.forEach(d -> sb.append("chaos: DIVERGENCE ").append(d).append('\n'));
    return sb.toString();
  }

  private static List<Duration> heldBack(List<Recovery> of, String how) {
    return of.stream()
        .filter(r -> r.heldBack() != null && r.detail().contains(how))
        .map(Recovery::heldBack)
        .toList();
  }

  private static String stats(List<Duration> ds) {
    if (ds.isEmpty()) {
      return "-";
    }
    if (ds.contains(null)) {
      return "did not converge " + ds.stream().filter(d -> d == null).count() + "x";
    }
    List<Long> ms = ds.stream().map(Duration::toMillis).sorted().toList();
    return String.format(
        "median %.1f s, max %.1f s",
        ms.get(ms.size() / 2) / 1000.0, ms.get(ms.size() - 1) / 1000.0);
  }

  static String seconds(Duration d) {
    return d == null ? "-" : String.format("%.1f s", d.toMillis() / 1000.0);
  }
}
