package io.fenceline.core.model;

/** The transport protocols a NetworkPolicy port can name. */
public enum Protocol {
  TCP,
  UDP,
  SCTP;

  /** Lower-case name as iptables and ipset spell it. */
  public String kernelName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
