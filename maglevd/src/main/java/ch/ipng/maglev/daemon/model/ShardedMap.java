package ch.ipng.maglev.daemon.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An immutable map whose updates copy only the shard that changes: a snapshot per backend
 * transition then costs a few dozen entries, not the whole model (1,000 frontends × 16 backends
 * flapping at once must not copy 1,000 entries per transition).
 */
final class ShardedMap<K, V> {
  // 1,000 frontends: ~4 per shard, so a transition's 16 frontends copy ~64 entries
  private static final int SHARDS = 256;

  private final Map<K, V>[] shards;
  private final int size;

  private ShardedMap(Map<K, V>[] shards, int size) {
    this.shards = shards;
    this.size = size;
  }

  @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type
  static <K, V> ShardedMap<K, V> of(Map<K, V> entries) {
    Map<K, V>[] shards = new Map[SHARDS];
    for (int i = 0; i < SHARDS; i++) {
      shards[i] = new HashMap<>();
    }
    entries.forEach((k, v) -> shards[shard(k)].put(k, v));
    for (int i = 0; i < SHARDS; i++) {
      shards[i] = Collections.unmodifiableMap(shards[i]);
    }
    return new ShardedMap<>(shards, entries.size());
  }

  private static int shard(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (SHARDS - 1);
  }

  @Nullable V get(K key) {
    return shards[shard(key)].get(key);
  }

  int size() {
    return size;
  }

  /** This map with the given entries replaced or added; copies only the shards they touch. */
  ShardedMap<K, V> withAll(Map<K, V> changes) {
    if (changes.isEmpty()) {
      return this;
    }
    Map<K, V>[] next = Arrays.copyOf(shards, SHARDS);
    boolean[] copied = new boolean[SHARDS];
    int n = size;
    for (Map.Entry<K, V> e : changes.entrySet()) {
      int s = shard(e.getKey());
      if (!copied[s]) {
        next[s] = new HashMap<>(next[s]);
        copied[s] = true;
      }
      if (next[s].put(e.getKey(), e.getValue()) == null) {
        n++;
      }
    }
    for (int s = 0; s < SHARDS; s++) {
      if (copied[s]) {
        next[s] = Collections.unmodifiableMap(next[s]);
      }
    }
    return new ShardedMap<>(next, n);
  }

  /** Every value, in no particular order. */
  List<V> values() {
    List<V> out = new ArrayList<>(size);
    for (Map<K, V> s : shards) {
      out.addAll(s.values());
    }
    return out;
  }
}
