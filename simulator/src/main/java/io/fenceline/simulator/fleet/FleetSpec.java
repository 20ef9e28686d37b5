package io.fenceline.simulator.fleet;

/**
 * The name {@code fenceline simulate} (cli/) imports for {@link io.fenceline.fleet.FleetSpec}: the
 * same four numbers, checked and parsed by it. It goes once cli/ imports {@code io.fenceline.fleet}.
 */
public record FleetSpec(int clusters, int nodes, int pods, int policies) {
  public FleetSpec {
    new io.fenceline.fleet.FleetSpec(clusters, nodes, pods, policies);
  }

  public static FleetSpec parse(String text) {
    io.fenceline.fleet.FleetSpec s = io.fenceline.fleet.FleetSpec.parse(text);
    return new FleetSpec(s.clusters(), s.nodes(), s.pods(), s.policies());
  }

  public io.fenceline.fleet.FleetSpec shared() {
    return new io.fenceline.fleet.FleetSpec(clusters, nodes, pods, policies);
  }

  @Override
  public String toString() {
    return shared().toString();
  }
}
