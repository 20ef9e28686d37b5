package io.fenceline.testcontainers;

import org.assertj.core.api.AbstractAssert;

/**
 * Whether a pod can open a connection to another pod, checked with a real connection attempt
 * ({@link FencelineContainer#canConnect}). A failure message carries the attempt's outcome and
 * {@code fenceline explain}'s answer for the flow: which policies isolate each side and which rule
 * allowed it, or that none did.
 */
public final class PodAssert extends AbstractAssert<PodAssert, String> {
  private final FencelineContainer fenceline;

  PodAssert(FencelineContainer fenceline, String pod) {
    super(pod, PodAssert.class);
    this.fenceline = fenceline;
  }

  public PodAssert canReach(String to, int port) {
    return canReach(to, port, Protocol.TCP);
  }

  public PodAssert canReach(String to, int port, Protocol protocol) {
    return expect(true, to, port, protocol);
  }

  public PodAssert cannotReach(String to, int port) {
    return cannotReach(to, port, Protocol.TCP);
  }

  public PodAssert cannotReach(String to, int port, Protocol protocol) {
    return expect(false, to, port, protocol);
  }

  private PodAssert expect(boolean reach, String to, int port, Protocol protocol) {
    Connection c = fenceline.canConnect(actual, to, port, protocol);
    if (c.connected() == reach) {
      return this;
    }
    Explanation x = fenceline.explainWithText(actual, to, port, protocol);
    String message =
        String.format(
            "%nExpected %s %s %s on %d/%s,%nbut the connection attempt %s (%s).%n"
                + "fenceline explain says:%n%s%n",
            actual,
            reach ? "to reach" : "not to reach",
            to,
            port,
            protocol,
            c.connected() ? "connected" : "failed",
            c.detail(),
            indent(x.text()));
    failWithMessage("%s", message);
    return this;
  }

  private static String indent(String text) {
    return text == null
        ? "  (no answer)"
        : text.lines()
            .map(l -> "  " + l)
            .reduce((a, b) -> a + System.lineSeparator() + b)
            .orElse("");
  }
}
