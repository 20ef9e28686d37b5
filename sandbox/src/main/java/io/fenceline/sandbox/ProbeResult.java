package io.fenceline.sandbox;

/**
 * connected: the reply was exactly the destination's host id. detail: what happened, for messages.
 */
public record ProbeResult(boolean connected, String detail) {}
