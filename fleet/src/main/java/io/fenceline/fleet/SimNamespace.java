package io.fenceline.fleet;

import java.util.ArrayList;
import java.util.List;

/** A namespace as the simulator tracks it: labels that policies read, and the apps it runs. */
public final class SimNamespace {
  final String name;
  final boolean infrastructure;
  String team;
  String env;
  final List<App> apps = new ArrayList<>();

  /** Revision of each app's pod template (a rollout bumps it), by app index in {@link #apps}. */
  final List<Integer> revisions = new ArrayList<>();

  SimNamespace(String name, String team, String env, boolean infrastructure) {
    this.name = name;
    this.team = team;
    this.env = env;
    this.infrastructure = infrastructure;
  }

  public String name() {
    return name;
  }

  public String team() {
    return team;
  }

  public String env() {
    return env;
  }

  public boolean infrastructure() {
    return infrastructure;
  }

  public List<App> apps() {
    return List.copyOf(apps);
  }
}
