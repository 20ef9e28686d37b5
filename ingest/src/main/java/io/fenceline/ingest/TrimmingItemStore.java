package io.fenceline.ingest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fenceline.core.model.Kind;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * An informer store that keeps trimmed copies ({@link SlimObjects#trimmed}): the informer's events
 * still carry the full new object, the store (used for the old side of updates, for deletes seen
 * only on a relist, and for republishing a generation) holds only the slim form.
 */
final class TrimmingItemStore<T extends HasMetadata> implements ItemStore<T> {
  private final ConcurrentHashMap<String, T> items = new ConcurrentHashMap<>();
  private final Kind kind;

  /** A store of objects of {@code kind} (generic resources carry no Java type to tell it by). */
  TrimmingItemStore(Kind kind) {
    this.kind = kind;
  }

  @Override
  public String getKey(T obj) {
    return Cache.metaNamespaceKeyFunc(obj);
  }

  @Override
  public T put(String key, T obj) {
    T kept;
    try {
      kept = SlimObjects.trimmed(kind, obj);
    } catch (SlimObjects.NotPublishable e) {
      kept = obj; // kept whole: the handler reports it, the informer goes on
    }
    return items.put(key, kept);
  }

  @Override
  public T remove(String key) {
    return items.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return items.values().stream();
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public T get(String key) {
    return items.get(key);
  }
}
