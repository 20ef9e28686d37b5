package io.fenceline.core.events;

/** What a change event says about its object. */
public enum EventType {
  /** The object exists with this content (created, updated, or republished in a resync). */
  UPSERT,
  /** The object is gone. */
  DELETE,
  /**
   * Every object of this (cluster, kind) that exists has now been published with this event's
   * generation: objects last seen in an older generation were deleted while nobody watched.
   */
  GENERATION_END,
  /**
   * Ingest of this cluster is watching and will publish another event within the interval its
   * object names ({@code {"intervalSeconds": n}}); silence longer than that means nobody watched.
   * Changes nothing; the forensic replay uses it to tell a quiet cluster from an unobserved one.
   */
  HEARTBEAT
}
