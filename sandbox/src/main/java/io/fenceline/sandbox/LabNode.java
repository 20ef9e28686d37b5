package io.fenceline.sandbox;

import java.util.Objects;

/** A simulated Kubernetes node: one network namespace that routes for its pods. */
public record LabNode(
    String name, String transitIpv4, String transitIpv6, String podCidrV4, String podCidrV6) {

  public LabNode {
    if (name == null || !name.matches("[a-z0-9][a-z0-9.-]{0,40}")) {
      throw new IllegalArgumentException("node name must match [a-z0-9][a-z0-9.-]*: " + name);
    }
    Objects.requireNonNull(transitIpv4, "transitIpv4");
    Objects.requireNonNull(podCidrV4, "podCidrV4");
    if ((transitIpv6 == null) != (podCidrV6 == null)) {
      throw new IllegalArgumentException(
          "node " + name + ": give both transitIpv6 and podCidrV6, or neither");
    }
  }
}
