package io.fenceline.engine.bench;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.fleet.Change;
import io.fenceline.fleet.ChurnGenerator;
import io.fenceline.fleet.Fleet;
import io.fenceline.fleet.FleetGenerator;
import io.fenceline.fleet.FleetSpec;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The benchmark's cluster: one cluster of the shared fleet generator ({@link FleetGenerator}, see
 * fleet/DESIGN.md) and its churn ({@link ChurnGenerator}), each change as the event ingest would
 * publish, observed 3 ms after the one before.
 */
final class BenchCluster {
  /** The name {@link FleetGenerator} gives the first (here the only) cluster. */
  static final String CLUSTER = "c00";

  private final Fleet fleet;
  private final ChurnGenerator churn;
  private Instant clock = Instant.parse("2026-11-26T10:00:00Z");

  BenchCluster(long seed, FleetSpec size) {
    this.fleet = FleetGenerator.generate(size, seed);
    this.churn = new ChurnGenerator(fleet, seed);
  }

  /** {@code pods/policies/nodes}, e.g. {@code 100000/10000/1000}: one cluster of that size. */
  static FleetSpec size(String text) {
    String[] p = text.split("/");
    return new FleetSpec(1, Integer.parseInt(p[2]), Integer.parseInt(p[0]), Integer.parseInt(p[1]));
  }

  static String describe(FleetSpec size) {
    return size.pods() + " pods / " + size.policies() + " policies / " + size.nodes() + " nodes";
  }

  int namespaces() {
    return fleet.clusters().get(0).namespaces().size();
  }

  /**
   * Every object, in the order the engine's object store returns them when a task starts (key
   * {@code cluster \0 kind \0 namespace \0 name}: namespaces, policies, nodes, pods).
   */
  List<ChangeEvent> storeOrder() {
    return fleet.snapshot().stream()
        .sorted(
            Comparator.comparing(c -> c.kind().apiName() + "\0" + c.namespace() + "\0" + c.name()))
        .map(this::event)
        .toList();
  }

  /** Every object, pods before policies (as a first ingest of a live cluster may publish them). */
  List<ChangeEvent> podsFirstOrder() {
    return fleet.snapshot().stream().map(this::event).toList();
  }

  /**
   * {@code count} pod changes in {@link ChurnGenerator#podChurn()}'s mix; each change's cause says
   * its kind.
   */
  List<Change> podChurn(int count) {
    return java.util.stream.Stream.generate(churn::podChurn).limit(count).toList();
  }

  /** The churn over this cluster; {@link #event} makes each change an event. */
  ChurnGenerator churn() {
    return churn;
  }

  /** The event of {@code c}, observed 3 ms after the one before. */
  ChangeEvent event(Change c) {
    clock = clock.plusMillis(3);
    return c.event(clock, 1);
  }
}
