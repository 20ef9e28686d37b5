package io.fenceline.core.events;

import io.fenceline.core.manifest.OversizeObjects;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.ObjectKey;
import java.util.ArrayList;
import java.util.List;

/**
 * The fold of {@code fenceline.events}: how one record changes the objects in force of its cluster.
 * The engine (objects in RocksDB) and the forensic replay (objects in memory) both fold through
 * here, each behind the {@link Store} port, so they accept, reject and sweep alike, with the same
 * messages.
 *
 * <ul>
 *   <li>{@link #read}: a record the engine cannot use is rejected with the reason (it goes to the
 *       dead letters and changes nothing); a heartbeat changes nothing; an UPSERT whose object is
 *       larger than an event carries is read as its stub ({@link OversizeObjects}).
 *   <li>{@link #apply}: an UPSERT puts its object in force (an unusable object leaves the previous
 *       version in force; problems are reported either way), a DELETE removes it, a generation end
 *       removes every object of its kind last published in an older generation.
 * </ul>
 *
 * <p>Pure: the store is the only state, and it is the caller's.
 */
public final class EventFold {
  private EventFold() {}

  /** The objects in force of one cluster, as a shell keeps them. */
  public interface Store {
    /** Puts {@code event} in force for its object, whose decoded form is {@code object}. */
    void put(Kind kind, ObjectKey key, ChangeEvent event, ClusterObject object);

    /** Removes the object from force; nothing if it is not there. */
    void remove(Kind kind, ObjectKey key);

    /**
     * The objects of {@code kind} whose event in force has a generation older than {@code
     * generation} (and any whose stored event cannot be read), sorted by key.
     */
    List<ObjectKey> olderThan(Kind kind, long generation);
  }

  /**
   * One record as read: its event and kind, or why it is rejected (then {@code event} may be null).
   */
  public record Read(ChangeEvent event, Kind kind, String rejected) {
    public boolean accepted() {
      return rejected == null;
    }
  }

  /**
   * What one accepted record did: the changes for the compiler, in order, and what to report (""
   * for nothing).
   */
  public record Step(List<ClusterChange> changes, String problems) {}

  /** Reads the record with key {@code key} and value {@code value}. */
  public static Read read(String key, byte[] value) {
    ChangeEvent e;
    try {
      e = EventCodec.decode(value);
    } catch (EventFormatException ex) {
      return new Read(null, null, ex.getMessage());
    }
    if (key == null || !key.equals(e.cluster())) {
      return new Read(
          e, null, "record key '" + key + "' is not the event's cluster '" + e.cluster() + "'");
    }
    if (e.type() == EventType.HEARTBEAT) {
      return new Read(e, null, null); // ingest is alive; nothing to fold
    }
    Kind kind = Kind.fromApiName(e.kind());
    if (kind == null) {
      return new Read(
          e,
          null,
          "unknown kind '" + e.kind() + "' (fenceline reads " + EventObjects.knownKinds() + ")");
    }
    // Only a record longer than the bound can hold an object longer than it: no re-encoding
    // otherwise.
    return new Read(
        value.length > OversizeObjects.MAX_OBJECT_BYTES ? EventObjects.fit(e) : e, kind, null);
  }

  /**
   * Decodes an accepted UPSERT's object as the fold enforces it; {@code origin} names the record in
   * problems.
   */
  public static EventObjects.Result object(Read read, String origin) {
    return EventObjects.decode(read.event(), origin);
  }

  /** Folds an accepted record into {@code store}, decoding an UPSERT's object here. */
  public static Step apply(Read read, String origin, Store store) {
    return apply(
        read, read.event().type() == EventType.UPSERT ? object(read, origin) : null, store);
  }

  /**
   * Folds an accepted record into {@code store}; {@code decoded} is its UPSERT's object from {@link
   * #object}.
   */
  public static Step apply(Read read, EventObjects.Result decoded, Store store) {
    if (!read.accepted()) {
      throw new IllegalArgumentException("a rejected record folds nothing: " + read.rejected());
    }
    ChangeEvent e = read.event();
    Kind kind = read.kind();
    return switch (e.type()) {
      case HEARTBEAT -> new Step(List.of(), "");
      case UPSERT -> {
        ClusterObject o = decoded.object();
        if (o == null) {
          yield new Step(
              List.of(), decoded.problems()); // unusable: the previous version stays in force
        }
        store.put(kind, o.key(), e, o);
        yield new Step(List.of(ClusterChange.upsert(o)), decoded.problems());
      }
      case DELETE -> {
        ObjectKey key = EventObjects.key(kind, e.namespace(), e.name());
        store.remove(kind, key);
        yield new Step(List.of(ClusterChange.delete(kind, key)), "");
      }
      case GENERATION_END -> {
        List<ClusterChange> swept = new ArrayList<>();
        for (ObjectKey key : store.olderThan(kind, e.generation())) {
          store.remove(kind, key);
          swept.add(ClusterChange.delete(kind, key));
        }
        yield new Step(swept, "");
      }
    };
  }
}
