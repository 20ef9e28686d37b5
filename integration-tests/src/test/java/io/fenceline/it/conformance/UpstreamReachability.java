package io.fenceline.it.conformance;

/**
 * Upstream's stated reachability, evaluated like its {@code Reachability} helper: a default for
 * every pair, then each rule in order overriding the pairs it names. A peer is {@code *}, {@code
 * ns/*}, {@code * /pod} (without the space) or {@code ns/pod}.
 */
final class UpstreamReachability {
  private UpstreamReachability() {}

  static boolean expected(CaseFile.Expectation e, String from, String to) {
    boolean allowed = e.allowedByDefault();
    for (CaseFile.Rule r : e.rules()) {
      if (matches(r.from(), from) && matches(r.to(), to)) {
        allowed = r.allowed();
      }
    }
    return allowed;
  }

  static boolean matches(String pattern, String pod) {
    if (pattern.equals("*")) {
      return true;
    }
    int slash = pattern.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("bad peer pattern '" + pattern + "'");
    }
    String ns = pattern.substring(0, slash);
    String name = pattern.substring(slash + 1);
    int podSlash = pod.indexOf('/');
    return (ns.equals("*") || ns.equals(pod.substring(0, podSlash)))
        && (name.equals("*") || name.equals(pod.substring(podSlash + 1)));
  }
}
