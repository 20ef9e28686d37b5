package io.fenceline.core.model;

/** A declared container port; {@code name} is null when the port has none. */
public record ContainerPort(String name, int port, Protocol protocol) {}
