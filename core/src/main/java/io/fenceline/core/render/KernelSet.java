package io.fenceline.core.render;

import java.util.List;

/**
 * One ipset as a node should hold it: name, {@code create} options and members (ipset text,
 * sorted).
 */
public record KernelSet(
    String name, String tempName, String createOptions, int family, List<String> members) {
  public KernelSet {
    members = List.copyOf(members);
  }
}
