package io.fenceline.core.reference;

import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Protocol;
import java.util.Objects;

/**
 * One connection attempt: from an address of a pod or an external host, to an address of a pod or
 * an external host, with a protocol and a destination port. Both addresses have the same family.
 */
public record Flow(Endpoint src, Endpoint dst, Protocol protocol, int port) {
  public Flow {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    Objects.requireNonNull(protocol, "protocol");
    if (src.ip().family() != dst.ip().family()) {
      throw new IllegalArgumentException(
          "a flow stays within one address family: " + src + " -> " + dst);
    }
  }

  public int family() {
    return src.ip().family();
  }

  @Override
  public String toString() {
    return src + " -> " + dst + " " + protocol.kernelName() + "/" + port;
  }

  /** One side of a flow: {@code pod} is null for an address outside the cluster's pods. */
  public record Endpoint(ObjectKey pod, IpAddress ip) {
    public Endpoint {
      Objects.requireNonNull(ip, "ip");
    }

    public static Endpoint pod(ObjectKey pod, IpAddress ip) {
      return new Endpoint(Objects.requireNonNull(pod, "pod"), ip);
    }

    public static Endpoint external(IpAddress ip) {
      return new Endpoint(null, ip);
    }

    public boolean isPod() {
      return pod != null;
    }

    @Override
    public String toString() {
      return (pod == null ? "external" : pod.toString()) + "[" + ip + "]";
    }
  }
}
