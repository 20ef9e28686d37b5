package io.fenceline.forensics;

import io.fenceline.core.history.ClusterState;
import io.fenceline.core.history.Snapshot;
import io.fenceline.core.history.SnapshotFormatException;
import io.fenceline.core.history.StateDiff;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One cluster's past, rebuilt from its event log: the state at any moment, starting from the
 * nearest earlier snapshot when one exists. Refuses, with the reason, a moment before the log's
 * first event or one whose events retention deleted with no snapshot to stand in for them.
 */
public final class ClusterHistory implements AutoCloseable {
  private final String cluster;
  private final EventLogReader reader;
  private final SnapshotStore snapshots;
  private final Function<String, Progress> progress;
  private final Clock clock;
  private final List<String> notes = new ArrayList<>();

  /**
   * The state at a moment: what was folded, where the replay stopped and whether the log covers it.
   */
  public record At(
      Instant at, ClusterState state, EventLogReader.Stop stop, String unknown, String source) {}

  public ClusterHistory(
      String bootstrapServers,
      Map<String, Object> clientProperties,
      String cluster,
      SnapshotStore snapshots,
      Function<String, Progress> progress,
      Clock clock) {
    this.cluster = cluster;
    this.reader = new EventLogReader(bootstrapServers, clientProperties, cluster);
    this.snapshots = snapshots;
    this.progress = progress;
    this.clock = clock;
  }

  /**
   * Notes for the user (unreadable snapshots skipped, records the engine rejects); one line each.
   */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  public int partition() {
    return reader.partition();
  }

  /** The state at {@code t}: every event with observedAt ≤ t folded in. */
  public At at(Instant t) throws HistoryException {
    EventLogReader.Bounds bounds = reader.bounds();
    ClusterState start = start(t, bounds);
    String source =
        start.nextOffset() == 0
            ? "the log from its first record"
            : "snapshot at offset " + start.nextOffset();
    return replay(start, t, bounds.end(), null, source);
  }

  /**
   * Goes on folding into {@code from}'s state (changed in place: pass a copy to keep it) up to
   * {@code t}, handing every folded record to {@code applied}.
   */
  public At continueTo(At from, Instant t, Consumer<StateDiff.Applied> applied)
      throws HistoryException {
    if (t.isBefore(from.at())) {
      throw new HistoryException(t + " is before " + from.at());
    }
    EventLogReader.Bounds bounds = reader.bounds();
    return replay(from.state(), t, bounds.end(), applied, from.source());
  }

  /**
   * The oldest moment this cluster's past can be rebuilt from: the oldest usable snapshot, or the
   * first event.
   */
  public Instant oldest() throws HistoryException {
    EventLogReader.Bounds bounds = reader.bounds();
    Instant best = null;
    if (snapshots != null) {
      for (SnapshotStore.Stored s : snapshots.list(cluster, noteList())) {
        if (s.header().nextOffset() >= bounds.start() && s.header().observedAt() != null) {
          best = s.header().observedAt();
          break;
        }
      }
    }
    if (bounds.start() == 0) {
      Instant first = reader.firstObservedAt(bounds);
      if (first != null && (best == null || first.isBefore(best))) {
        best = first;
      }
    }
    if (best == null) {
      throw new HistoryException(
          "cluster "
              + cluster
              + " has no events in the log and no usable snapshot; "
              + describeOldest(bounds));
    }
    return best;
  }

  private At replay(
      ClusterState state, Instant t, long end, Consumer<StateDiff.Applied> applied, String source)
      throws HistoryException {
    long before = state.rejected();
    EventLogReader.Stop stop =
        reader.replay(state, t, end, applied, progress.apply("replaying " + cluster));
    if (state.rejected() > before) {
      notes.add(
          (state.rejected() - before)
              + " records of cluster "
              + cluster
              + " were skipped as the engine skips them (dead letters)");
    }
    Instant first = state.coverage().firstEventAt();
    if (first == null && !stop.reachedEnd()) {
      throw new HistoryException(
          "cannot rebuild cluster "
              + cluster
              + " at "
              + t
              + ": its oldest event is from "
              + stop.nextEventAt());
    }
    if (first == null) {
      throw new HistoryException(
          "cluster "
              + cluster
              + " has no events in the log (partition "
              + reader.partition()
              + " of fenceline.events)");
    }
    if (t.isBefore(first)) {
      throw new HistoryException(
          "cannot rebuild cluster "
              + cluster
              + " at "
              + t
              + ": its oldest event (or snapshot)"
              + " is from "
              + first);
    }
    String unknown = state.coverage().unknownAt(t, stop.nextEventAt(), clock.instant());
    return new At(t, state, stop, unknown, source);
  }

  private ClusterState start(Instant t, EventLogReader.Bounds bounds) throws HistoryException {
    SnapshotStore.Stored snap =
        snapshots == null ? null : snapshots.nearest(cluster, t, noteList());
    if (snap != null && snap.header().nextOffset() > bounds.end()) {
      throw new HistoryException(
          "snapshot "
              + snap.file()
              + " stands for offset "
              + snap.header().nextOffset()
              + " but the log ends at "
              + bounds.end()
              + ": was fenceline.events recreated? Move the snapshots of "
              + cluster
              + " away.");
    }
    if (snap != null && snap.header().nextOffset() >= bounds.start()) {
      try {
        Snapshot s = snapshots.read(snap);
        if (!s.cluster().equals(cluster) || s.partition() != reader.partition()) {
          throw new HistoryException(
              snap.file()
                  + " is a snapshot of "
                  + s.cluster()
                  + " partition "
                  + s.partition()
                  + ", not of "
                  + cluster
                  + " partition "
                  + reader.partition());
        }
        return s.state();
      } catch (IOException | SnapshotFormatException e) {
        throw new HistoryException("cannot read snapshot " + snap.file() + ": " + e.getMessage());
      }
    }
    if (bounds.start() > 0) {
      String oldest = describeOldest(bounds);
      throw new HistoryException(
          "cannot rebuild cluster "
              + cluster
              + " at "
              + t
              + ": retention deleted the log's "
              + "records before offset "
              + bounds.start()
              + " and no snapshot at or before "
              + t
              + " can stand in for them"
              + (snap != null
                  ? " (the nearest, " + snap.file() + ", is older than the oldest retained record)"
                  : "")
              + "; "
              + oldest);
    }
    return new ClusterState(cluster, 0);
  }

  private String describeOldest(EventLogReader.Bounds bounds) {
    List<SnapshotStore.Stored> all =
        snapshots == null ? List.of() : snapshots.list(cluster, noteList());
    Instant firstRetained = reader.firstObservedAt(bounds);
    String snap =
        all.isEmpty()
            ? "there are no snapshots" + (snapshots == null ? "" : " in " + snapshots.dir())
            : "the oldest snapshot is from " + all.get(0).header().observedAt();
    return snap
        + ", the oldest retained event from "
        + (firstRetained == null ? "(none)" : firstRetained);
  }

  private List<String> noteList() {
    return notes;
  }

  /**
   * Writes snapshots from the newest existing one to the log's end: one every {@code every} records
   * and one at the end. Returns the files written.
   */
  public List<Path> snapshotToEnd(long every) throws HistoryException, IOException {
    EventLogReader.Bounds bounds = reader.bounds();
    List<SnapshotStore.Stored> existing = snapshots.list(cluster, noteList());
    ClusterState state;
    if (!existing.isEmpty()
        && existing.get(existing.size() - 1).header().nextOffset() >= bounds.start()) {
      try {
        state = snapshots.read(existing.get(existing.size() - 1)).state();
      } catch (SnapshotFormatException e) {
        throw new HistoryException(e.getMessage());
      }
    } else if (bounds.start() > 0) {
      throw new HistoryException(
          "cannot snapshot cluster "
              + cluster
              + ": retention deleted the records before offset "
              + bounds.start()
              + " and no snapshot covers them; "
              + describeOldest(bounds));
    } else {
      state = new ClusterState(cluster, 0);
    }
    List<Path> written = new ArrayList<>();
    Progress bar = progress.apply("snapshotting " + cluster);
    while (state.nextOffset() < bounds.end()) {
      long stopAt = Math.min(bounds.end(), state.nextOffset() + every);
      reader.replay(state, null, stopAt, null, bar);
      if (state.observedAt() != null) {
        written.add(snapshots.write(Snapshot.of(state, reader.partition())));
      }
    }
    return written;
  }

  @Override
  public void close() {
    reader.close();
  }
}
