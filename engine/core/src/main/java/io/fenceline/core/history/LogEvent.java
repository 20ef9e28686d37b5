package io.fenceline.core.history;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventCodec;
import io.fenceline.core.events.EventFormatException;
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
public record LogEvent(long offset, ChangeEvent event, ClusterObject object, String rejected) {

  public static LogEvent decode(String key, byte[] value, long offset) {
    ChangeEvent e;
    try {
      e = EventCodec.decode(value);
    } catch (EventFormatException ex) {
      return new LogEvent(offset, null, null, ex.getMessage());
    }
    if (key == null || !key.equals(e.cluster())) {
      return new LogEvent(offset, e, null, "record key '" + key + "' is not the event's cluster '" + e.cluster() + "'");
    }
    if (e.type() == EventType.HEARTBEAT) {
      return new LogEvent(offset, e, null, null);
    }
    if (Kind.fromApiName(e.kind()) == null) {
      return new LogEvent(offset, e, null, "unknown kind '" + e.kind() + "'");
    }
    if (e.type() != EventType.UPSERT) {
      return new LogEvent(offset, e, null, null);
    }
    return new LogEvent(offset, e, EventObjects.decode(e, "events@" + offset).object(), null);
  }

  /** The decoded form of an event already known to be well formed (a snapshot's stored events). */
  public static LogEvent of(ChangeEvent e, long offset) {
    return new LogEvent(offset, e, e.type() == EventType.UPSERT ? EventObjects.decode(e, "snapshot@" + offset).object()
        : null, null);
  }

  public Kind kind() {
    return event == null ? null : Kind.fromApiName(event.kind());
  }
}
