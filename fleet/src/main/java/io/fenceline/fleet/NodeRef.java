package io.fenceline.fleet;

/** One node of the fleet. */
public record NodeRef(String cluster, String node) {}
