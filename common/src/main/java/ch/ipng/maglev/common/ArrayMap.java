package ch.ipng.maglev.common;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * An unmodifiable map from names to values whose keys (their order and an index) are shared by
 * every map made over them, so each map is one array of values. maglevd keeps a status per frontend
 * with a state, a weight and a reason per backend, and makes a new one for every frontend a
 * transition touches: as hash maps these were most of what its young collections copied.
 */
public final class ArrayMap<V> extends AbstractMap<String, V> {
  /** Names in order, with the index of each: made once, shared by many maps. */
  public static final class Keys {
    private final List<String> names;
    private final Map<String, Integer> index;

    private Keys(List<String> names, Map<String, Integer> index) {
      this.names = names;
      this.index = index;
    }

    /**
     * The keys of these names, in their order.
     *
     * @throws IllegalArgumentException naming a name given twice
     */
    public static Keys of(Collection<String> names) {
      List<String> list = List.copyOf(names);
      Map<String, Integer> index = HashMap.newHashMap(list.size());
      for (int i = 0; i < list.size(); i++) {
        if (index.put(list.get(i), i) != null) {
          throw new IllegalArgumentException(
              "name \"" + list.get(i) + "\" given twice (expected: each name once)");
        }
      }
      return new Keys(list, Collections.unmodifiableMap(index));
    }

    public int size() {
      return names.size();
    }

    /** The name at an index. */
    public String name(int i) {
      return names.get(i);
    }

    /** The index of a name, or -1 when it is not one of these. */
    public int indexOf(@Nullable Object name) {
      Integer i = index.get(name);
      return i == null ? -1 : i;
    }

    /** The names, in order. */
    public List<String> names() {
      return names;
    }
  }

  /** Fills the values of one map by index; {@link #build} hands them over once. */
  public static final class Builder<V> {
    private final Keys keys;
    private @Nullable Object @Nullable [] values;

    private Builder(Keys keys) {
      this.keys = keys;
      this.values = new Object[keys.size()];
    }

    /** Sets the value at an index of the keys. */
    public Builder<V> set(int i, V value) {
      values()[i] = Objects.requireNonNull(value, "value");
      return this;
    }

    /**
     * The map; the builder cannot be used after.
     *
     * @throws IllegalStateException naming the first key without a value
     */
    public ArrayMap<V> build() {
      Object[] v = values();
      for (int i = 0; i < v.length; i++) {
        if (v[i] == null) {
          throw new IllegalStateException(
              "no value for \"" + keys.name(i) + "\" (expected: a value for every key)");
        }
      }
      values = null;
      return new ArrayMap<>(keys, v);
    }

    private Object[] values() {
      Object[] v = values;
      if (v == null) {
        throw new IllegalStateException("built already");
      }
      return v;
    }
  }

  private final Keys keys;
  private final Object[] values;

  private ArrayMap(Keys keys, Object[] values) {
    this.keys = keys;
    this.values = values;
  }

  /** A builder of a map over these keys. */
  public static <V> Builder<V> builder(Keys keys) {
    return new Builder<>(keys);
  }

  /** A copy of a map (no null keys or values), in its iteration order. */
  public static <V> ArrayMap<V> copyOf(Map<String, V> map) {
    if (map instanceof ArrayMap<V> a) {
      return a;
    }
    Keys keys = Keys.of(map.keySet());
    Builder<V> b = builder(keys);
    for (Map.Entry<String, V> e : map.entrySet()) {
      b.set(keys.indexOf(e.getKey()), e.getValue());
    }
    return b.build();
  }

  /**
   * The keys of a map in its iteration order: an array map's own (shared), otherwise new ones.
   * Iterating the map again visits its entries at these indexes.
   */
  public static Keys keysOf(Map<String, ?> map) {
    return map instanceof ArrayMap<?> a ? a.keys : Keys.of(map.keySet());
  }

  /** This map's keys. */
  public Keys keys() {
    return keys;
  }

  /** The value at an index of the keys. */
  @SuppressWarnings("unchecked") // only values of V are set
  public V valueAt(int i) {
    return (V) values[i];
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    return keys.indexOf(key) >= 0;
  }

  @Override
  public boolean containsValue(@Nullable Object value) {
    for (Object v : values) {
      if (v.equals(value)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public @Nullable V get(@Nullable Object key) {
    int i = keys.indexOf(key);
    return i < 0 ? null : valueAt(i);
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super V> action) {
    for (int i = 0; i < values.length; i++) {
      action.accept(keys.name(i), valueAt(i));
    }
  }

  @Override
  public Set<Map.Entry<String, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return values.length;
      }

      @Override
      public Iterator<Map.Entry<String, V>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < values.length;
          }

          @Override
          public Map.Entry<String, V> next() {
            if (next >= values.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return Map.entry(keys.name(i), valueAt(i));
          }
        };
      }
    };
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (o instanceof ArrayMap<?> a && a.keys == keys) {
      return Arrays.equals(values, a.values);
    }
    return super.equals(o);
  }

  @Override
  public int hashCode() {
    return super.hashCode();
  }
}
