package io.fenceline.core.history;

import io.fenceline.core.events.ChangeEvent;
import io.fenceline.core.events.EventFold;
import io.fenceline.core.events.EventObjects;
import io.fenceline.core.events.EventType;
import io.fenceline.core.explain.FlowExplainer;
import io.fenceline.core.model.ClusterChange;
import io.fenceline.core.model.ClusterNetworkPolicy;
import io.fenceline.core.model.ClusterObject;
import io.fenceline.core.model.IpAddress;
import io.fenceline.core.model.Kind;
import io.fenceline.core.model.Namespace;
import io.fenceline.core.model.NetworkPolicy;
import io.fenceline.core.model.Node;
import io.fenceline.core.model.ObjectKey;
import io.fenceline.core.model.Pod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The input state of one cluster at one position of its event log, folded exactly as the engine
 * folds events (upsert, delete, and the generation sweep; an UPSERT whose object is unusable leaves
 * the previous version in force; a record the engine dead-letters changes nothing). Keeps, for each
 * object, the event that put it there (for resourceVersions and snapshots), typed indexes for flow
 * questions, and the {@link Coverage} of the log. Pure and single-threaded.
 */
public final class ClusterState implements FlowExplainer.State {
  /** An object in force: the model object, the event that carried it and that event's offset. */
  public record Entry(ClusterObject object, ChangeEvent event, long offset) {}

  private final String cluster;
  private final HashMap<ObjectRef, Entry> entries;
  private final HashMap<String, Namespace> namespaces;
  private final HashMap<ObjectKey, Pod> pods;
  private final TreeMap<ObjectKey, NetworkPolicy> policies;
  private final TreeMap<String, ClusterNetworkPolicy> clusterPolicies;
  private final HashMap<String, Node> nodes;
  private final HashMap<IpAddress, TreeSet<ObjectKey>> ipHolders;
  private final Coverage coverage;
  private long nextOffset;
  private Instant observedAt;
  private long events;
  private long rejected;

  public ClusterState(String cluster, long startOffset) {
    this(cluster, new HashMap<>(), new Coverage(), startOffset, null, 0, 0);
  }

  private ClusterState(
      String cluster,
      HashMap<ObjectRef, Entry> entries,
      Coverage coverage,
      long nextOffset,
      Instant observedAt,
      long events,
      long rejected) {
    this.cluster = cluster;
    this.entries = entries;
    this.coverage = coverage;
    this.nextOffset = nextOffset;
    this.observedAt = observedAt;
    this.events = events;
    this.rejected = rejected;
    this.namespaces = new HashMap<>();
    this.pods = new HashMap<>();
    this.policies = new TreeMap<>();
    this.clusterPolicies = new TreeMap<>();
    this.nodes = new HashMap<>();
    this.ipHolders = new HashMap<>();
    for (Entry e : entries.values()) {
      index(e.object());
    }
  }

  /** A state restored from a snapshot: its entries, its coverage, and the offset it stands for. */
  public static ClusterState restore(
      String cluster, List<Entry> entries, Coverage coverage, long nextOffset, Instant observedAt) {
    HashMap<ObjectRef, Entry> map = new HashMap<>();
    for (Entry e : entries) {
      map.put(new ObjectRef(e.object().kind(), e.object().key()), e);
    }
    return new ClusterState(cluster, map, coverage.copy(), nextOffset, observedAt, 0, 0);
  }

  /** An independent copy (the state at T1 kept while the replay goes on to T2). */
  public ClusterState copy() {
    return new ClusterState(
        cluster, new HashMap<>(entries), coverage.copy(), nextOffset, observedAt, events, rejected);
  }

  /**
   * Folds one record in; returns the objects whose state changed (empty for a heartbeat, a rejected
   * record or an unusable object). Records must come in log order.
   */
  public List<ObjectRef> apply(LogEvent r) {
    if (r.offset() < nextOffset) {
      throw new IllegalArgumentException(
          "offset " + r.offset() + " is behind this state (next " + nextOffset + ")");
    }
    if (!r.decoded()) {
      throw new IllegalArgumentException(
          "record " + r.offset() + " is folded before its object was decoded");
    }
    nextOffset = r.offset() + 1;
    events++;
    if (r.rejected() != null) {
      rejected++;
      return List.of();
    }
    ChangeEvent e = r.event();
    if (!e.cluster().equals(cluster)) {
      rejected++;
      return List.of();
    }
    observedAt =
        observedAt == null || e.observedAt().isAfter(observedAt) ? e.observedAt() : observedAt;
    coverage.observe(e);
    if (e.type() == EventType.UPSERT && r.object() == null) {
      return List.of(); // unusable: the previous version stays in force
    }
    // The changes as the engine's fold makes them; "changed" here means for a reader of history.
    List<ObjectRef> changed = new ArrayList<>();
    EventFold.apply(
        r.read(),
        new EventObjects.Result(r.object(), ""),
        new EventFold.Store() {
          @Override
          public void put(Kind kind, ObjectKey key, ChangeEvent event, ClusterObject object) {
            ObjectRef ref = new ObjectRef(kind, key);
            Entry prev = entries.get(ref);
            ClusterState.this.put(ref, new Entry(object, event, r.offset()));
            // A republish of the same content (a relist) changes nothing but the entry's
            // generation.
            if (prev == null || !prev.object().equals(object)) {
              changed.add(ref);
            }
          }

          @Override
          public void remove(Kind kind, ObjectKey key) {
            ObjectRef ref = new ObjectRef(kind, key);
            if (ClusterState.this.remove(ref)) {
              changed.add(ref);
            }
          }

          @Override
          public List<ObjectKey> olderThan(Kind kind, long generation) {
            List<ObjectKey> stale = new ArrayList<>();
            for (Map.Entry<ObjectRef, Entry> x : entries.entrySet()) {
              if (x.getKey().kind() == kind && x.getValue().event().generation() < generation) {
                stale.add(x.getKey().key());
              }
            }
            Collections.sort(stale);
            return stale;
          }
        });
    return changed;
  }

  /** Moves past a record that is not this cluster's (clusters may share a partition of the log). */
  public void skip(long offset) {
    if (offset < nextOffset) {
      throw new IllegalArgumentException(
          "offset " + offset + " is behind this state (next " + nextOffset + ")");
    }
    nextOffset = offset + 1;
  }

  private void put(ObjectRef ref, Entry entry) {
    Entry prev = entries.put(ref, entry);
    if (prev != null) {
      unindex(prev.object());
    }
    index(entry.object());
  }

  private boolean remove(ObjectRef ref) {
    Entry prev = entries.remove(ref);
    if (prev == null) {
      return false;
    }
    unindex(prev.object());
    return true;
  }

  private void index(ClusterObject o) {
    if (o instanceof Namespace n) {
      namespaces.put(n.name(), n);
    } else if (o instanceof Pod p) {
      pods.put(p.key(), p);
      if (p.isPeerCandidate()) {
        for (IpAddress ip : p.ips()) {
          ipHolders.computeIfAbsent(ip, x -> new TreeSet<>()).add(p.key());
        }
      }
    } else if (o instanceof NetworkPolicy p) {
      policies.put(p.key(), p);
    } else if (o instanceof ClusterNetworkPolicy c) {
      clusterPolicies.put(c.name(), c);
    } else if (o instanceof Node n) {
      nodes.put(n.name(), n);
    }
  }

  private void unindex(ClusterObject o) {
    if (o instanceof Namespace n) {
      namespaces.remove(n.name());
    } else if (o instanceof Pod p) {
      pods.remove(p.key());
      for (IpAddress ip : p.ips()) {
        TreeSet<ObjectKey> holders = ipHolders.get(ip);
        if (holders != null && holders.remove(p.key()) && holders.isEmpty()) {
          ipHolders.remove(ip);
        }
      }
    } else if (o instanceof NetworkPolicy p) {
      policies.remove(p.key());
    } else if (o instanceof ClusterNetworkPolicy c) {
      clusterPolicies.remove(c.name());
    } else if (o instanceof Node n) {
      nodes.remove(n.name());
    }
  }

  public String cluster() {
    return cluster;
  }

  /** The first offset of the event log this state has not folded in. */
  public long nextOffset() {
    return nextOffset;
  }

  /** The newest observedAt folded in; null before the first event. */
  public Instant observedAt() {
    return observedAt;
  }

  /** Records folded in by this state (not counting what a restored snapshot stood for). */
  public long events() {
    return events;
  }

  /** Records the engine would dead-letter, skipped here the same way. */
  public long rejected() {
    return rejected;
  }

  public Coverage coverage() {
    return coverage;
  }

  public Entry entry(ObjectRef ref) {
    return entries.get(ref);
  }

  /** Every object in force, sorted by kind and key (a sorted copy). */
  public SortedMap<ObjectRef, Entry> entries() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(entries));
  }

  /** How many objects are in force. */
  public int size() {
    return entries.size();
  }

  @Override
  public Map<String, Namespace> namespaces() {
    return Collections.unmodifiableMap(namespaces);
  }

  /** Unordered: sort the keys where order shows. */
  @Override
  public Map<ObjectKey, Pod> pods() {
    return Collections.unmodifiableMap(pods);
  }

  @Override
  public NavigableMap<ObjectKey, NetworkPolicy> policies() {
    return Collections.unmodifiableNavigableMap(policies);
  }

  /** By name. */
  @Override
  public java.util.Collection<ClusterNetworkPolicy> clusterPolicies() {
    return Collections.unmodifiableCollection(clusterPolicies.values());
  }

  @Override
  public Map<String, Node> nodes() {
    return Collections.unmodifiableMap(nodes);
  }

  /** The running pod holding {@code ip} (the first by key if, briefly, two claim it), else null. */
  @Override
  public ObjectKey holderOf(IpAddress ip) {
    TreeSet<ObjectKey> holders = ipHolders.get(ip);
    return holders == null || holders.isEmpty() ? null : holders.first();
  }

  /** The objects in force as compiler input (what {@code fenceline compile} would read). */
  public List<ClusterChange> upserts() {
    List<ClusterChange> out = new ArrayList<>(entries.size());
    for (Entry e : entries().values()) {
      out.add(ClusterChange.upsert(e.object()));
    }
    return out;
  }

  /** The resourceVersion an object was last published with, or null. */
  public String resourceVersion(Kind kind, ObjectKey key) {
    Entry e = entries.get(new ObjectRef(kind, key));
    return e == null ? null : e.event().resourceVersion();
  }
}
