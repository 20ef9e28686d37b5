package io.fenceline.forensics.bench;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.model.Kind;
import io.fenceline.fleet.ChurnGenerator;
import io.fenceline.fleet.Fleet;
import io.fenceline.fleet.FleetGenerator;
import io.fenceline.fleet.FleetSpec;
import io.fenceline.fleet.SimCluster;
import io.fenceline.fleet.SimPod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The benchmark's history: one cluster of the shared fleet generator ({@link FleetGenerator}, see
 * fleet/DESIGN.md) as ingest would log it: its whole state and the end of that generation, then the
 * generator's steady churn ({@link ChurnGenerator#next()}) one change every 10 ms of observed time,
 * with a heartbeat every 30 s. Deterministic from the seed.
 */
final class BenchHistory {
  /** The name {@link FleetGenerator} gives the first (here the only) cluster. */
  static final String CLUSTER = "c00";

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** About the former history's size: 10,000 pods on 100 nodes, 900 policies. */
  static final FleetSpec SIZE = new FleetSpec(1, 100, 10_000, 900);

  private final Fleet fleet;
  private final ChurnGenerator churn;
  private final Random flows;
  private long t;

  BenchHistory(FleetSpec size, long seed) {
    this.fleet = FleetGenerator.generate(size, seed);
    this.churn = new ChurnGenerator(fleet, seed);
    this.flows = new Random(seed);
  }

  Instant now() {
    return T0.plusMillis(t * 10);
  }

  /** Emits {@code total} events, the initial state first. */
  void emit(long total, Consumer<ChangeEvent> out) {
    long n = 0;
    for (var c : fleet.snapshot()) {
      out.accept(c.event(now(), 1));
      n++;
    }
    for (Kind kind : Kind.values()) {
      out.accept(ChangeEvent.generationEnd(CLUSTER, kind.apiName(), now(), 1));
      n++;
    }
    long lastHeartbeat = t;
    for (; n < total; n++) {
      t++;
      if (t - lastHeartbeat >= 3000) {
        out.accept(ChangeEvent.heartbeat(CLUSTER, now(), Duration.ofSeconds(60)));
        lastHeartbeat = t;
      } else {
        out.accept(churn.next().event(now(), 1));
      }
    }
  }

  /**
   * {@code n} flows "source-ip destination-ip" between pods of one namespace, as the cluster is
   * now.
   */
  List<String> sampleFlows(int n) {
    SimCluster c = fleet.clusters().get(0);
    List<SimPod> pods = c.pods();
    List<String> out = new ArrayList<>();
    while (out.size() < n) {
      SimPod a = pods.get(flows.nextInt(pods.size()));
      List<SimPod> peers =
          pods.stream()
              .filter(p -> p.namespace().equals(a.namespace()) && !p.hostNetwork())
              .toList();
      SimPod b = peers.get(flows.nextInt(peers.size()));
      if (!a.hostNetwork()) {
        out.add(c.podIp(a) + " " + c.podIp(b));
      }
    }
    return out;
  }
}
