package io.fenceline.testcontainers;

/** The protocols a connection attempt can use in the network namespaces. */
public enum Protocol {
  TCP,
  UDP
}
