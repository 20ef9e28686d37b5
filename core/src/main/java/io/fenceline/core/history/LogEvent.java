package io.fenceline.core.history;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventFold;
import io.fenceline.core.events.EventObjects;
import io.fenceline.core.events.EventType;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Kind;

/**
 * One record of the event log, read the way the engine reads it: decoded, checked and, for an
 * UPSERT, its object decoded by the same strict decoder. {@code rejected} non-null means the engine
 * dead-letters the record and it changes nothing; {@code object} null on an UPSERT means the object
 * was unusable and its previous version stays in force. Decoding is pure and independent per
 * record, so a reader may decode in parallel and fold in order.
 */
public record LogEvent(
    long offset, ChangeEvent event, ClusterObject object, String rejected, boolean decoded) {

  public static LogEvent decode(String key, byte[] value, long offset) {
    LogEvent h = header(key, value, offset);
    return h.needsObject() ? h.withObject() : h;
  }

  /**
   * The record with everything but an UPSERT's object decoded (its {@code object} stays null until
   * {@link #withObject}). A replay that only needs the state at the end of a stretch decodes only
   * the objects that are not superseded within it.
   */
  public static LogEvent header(String key, byte[] value, long offset) {
    EventFold.Read read = EventFold.read(key, value);
    if (!read.accepted()) {
      return new LogEvent(offset, read.event(), null, read.rejected(), true);
    }
    return new LogEvent(offset, read.event(), null, null, read.event().type() != EventType.UPSERT);
  }

  /** True for an UPSERT read by {@link #header} whose object is not decoded yet. */
  public boolean needsObject() {
    return !decoded;
  }

  /** This UPSERT with its object decoded (null object: unusable, the previous version stays). */
  public LogEvent withObject() {
    return new LogEvent(
        offset, event, EventFold.object(read(), "events@" + offset).object(), null, true);
  }

  /**
   * This UPSERT, known to be superseded later in the same stretch (by a DELETE, or by a usable
   * UPSERT of the same object): folded as a no-op, its object never decoded. Only for replays that
   * look at the state at the stretch's end.
   */
  public LogEvent superseded() {
    return new LogEvent(offset, event, null, null, true);
  }

  /** The object this record is about, for records that name one. */
  public ObjectRef ref() {
    Kind k = kind();
    return k == null || event.name().isEmpty()
        ? null
        : new ObjectRef(k, EventObjects.key(k, event.namespace(), event.name()));
  }

  /** The decoded form of an event already known to be well formed (a snapshot's stored events). */
  public static LogEvent of(ChangeEvent e, long offset) {
    return new LogEvent(
        offset,
        e,
        e.type() == EventType.UPSERT ? EventObjects.decode(e, "snapshot@" + offset).object() : null,
        null,
        true);
  }

  /** This record as the fold reads it (only for records that were not rejected). */
  public EventFold.Read read() {
    return new EventFold.Read(event, kind(), rejected);
  }

  public Kind kind() {
    return event == null ? null : Kind.fromApiName(event.kind());
  }
}
