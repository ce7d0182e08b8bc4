package io.rollbackguard.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * An informer's item store that keeps a compact record per object and hands out a restored (partial) object when
 * asked. Not the full state: Fabric8 then delivers add events as they come, and deletes with the object it received.
 */
final class CompactStore<T extends HasMetadata, C> implements ItemStore<T> {
  private final Map<String, C> items = new ConcurrentHashMap<>();
  private final Function<T, C> compact;
  private final Function<C, T> restore;

  CompactStore(Function<T, C> compact, Function<C, T> restore) {
    this.compact = compact;
    this.restore = restore;
  }

  @Override
  public String getKey(T object) {
    return Cache.metaNamespaceKeyFunc(object);
  }

  @Override
  public T put(String key, T object) {
    return restored(items.put(key, compact.apply(object)));
  }

  @Override
  public T remove(String key) {
    return restored(items.remove(key));
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return items.values().stream().map(restore);
  }

  /** The record itself, for a reader that needs less than a restored object; null when there is none. */
  C record(String key) {
    return items.get(key);
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public T get(String key) {
    return restored(items.get(key));
  }

  @Override
  public boolean isFullState() {
    return false;
  }

  private T restored(C record) {
    return record == null ? null : restore.apply(record);
  }
}
