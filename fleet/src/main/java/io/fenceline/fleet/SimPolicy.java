package io.fenceline.fleet;

/**
 * A policy as the simulator tracks it: its shape, the apps it names (for {@link
 * PolicyShape#APP_TO_APP}) and a revision that an edit bumps (the spec is derived from these).
 */
public final class SimPolicy {
  final String namespace;
  final String name;
  final String uid;
  final PolicyShape shape;
  String targetApp;
  String sourceApp;
  int revision;

  SimPolicy(
      String namespace,
      String name,
      String uid,
      PolicyShape shape,
      String targetApp,
      String sourceApp) {
    this.namespace = namespace;
    this.name = name;
    this.uid = uid;
    this.shape = shape;
    this.targetApp = targetApp;
    this.sourceApp = sourceApp;
  }

  public String namespace() {
    return namespace;
  }

  public String name() {
    return name;
  }

  public PolicyShape shape() {
    return shape;
  }

  public int revision() {
    return revision;
  }

  String key() {
    return namespace + "/" + name;
  }
}
