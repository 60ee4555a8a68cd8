package ch.ipng.maglev.config;

import ch.ipng.maglev.config.YamlReader.Entry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Decodes the {@code pools} of one frontend: each pool named once, each backend existing and in one
 * pool only, weights 0-100. One instance per frontend: it remembers the pools seen so far.
 */
final class PoolsDecoder {
  static final Set<String> POOL_KEYS = Fields.keys("name", "backends");
  static final Set<String> BACKEND_KEYS = Fields.keys("weight");

  /**
   * The pools that decode, and the config node of each backend reference that names an existing
   * backend not already in another pool, in config order.
   */
  record Pools(List<Frontend.Pool> pools, Map<String, Entry> refs) {}

  private final Fields f;
  private final Set<String> backendNames;
  private final Set<String> poolNames = new HashSet<>();
  private final Map<String, String> poolOf = new HashMap<>();
  private final Map<String, Entry> refs = new LinkedHashMap<>();

  /** {@code backendNames}: the names of {@code maglev.backends}, decoded or not. */
  PoolsDecoder(Fields f, Set<String> backendNames) {
    this.f = f;
    this.backendNames = backendNames;
  }

  /** The pools of {@code frontend}, whose {@code pools} entry is {@code e} (null when absent). */
  Pools decode(Entry frontend, @Nullable Entry e) {
    List<Frontend.Pool> pools = new ArrayList<>();
    if (e == null) {
      f.missing(frontend, "pools", "at least one pool");
      return new Pools(pools, refs);
    }
    List<Node> items = f.sequence(e);
    if (items == null) {
      return new Pools(pools, refs);
    }
    if (items.isEmpty()) {
      f.semantic(e, "empty (expected: at least one pool)");
    }
    for (int i = 0; i < items.size(); i++) {
      Frontend.Pool pool = pool(e.path() + "[" + i + "]", items.get(i));
      if (pool != null) {
        pools.add(pool);
      }
    }
    return new Pools(pools, refs);
  }

  private Frontend.@Nullable Pool pool(String path, Node item) {
    Map<String, Entry> m = f.mapping(path, item, POOL_KEYS);
    if (m == null) {
      return null;
    }
    String name = f.optionalString(m.get("name"));
    if (name == null || name.isEmpty()) {
      f.semantic(path + ".name", item, "missing (expected: a pool name)");
      name = "";
    } else if (!poolNames.add(name)) {
      f.semantic(m.get("name"), "duplicate pool \"" + Text.shorten(name) + "\"");
    }
    Entry bs = m.get("backends");
    Map<String, Entry> bm = bs == null ? null : f.mapping(bs, null);
    if (bs == null || (bm != null && bm.isEmpty())) {
      f.semantic(
          path + ".backends",
          bs == null ? item : bs.value(),
          "empty (expected: at least one backend)");
    }
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (Entry be : bm == null ? List.<Entry>of() : bm.values()) {
      String backend = Fields.keyName(be);
      weights.put(backend, weight(be));
      reference(name, backend, be);
    }
    return new Frontend.Pool(name, weights);
  }

  /** The weight of a pool's backend: 0-100, default 100. */
  private int weight(Entry backend) {
    Map<String, Entry> m = f.mapping(backend, BACKEND_KEYS);
    Entry e = m == null ? null : m.get("weight");
    Long w = e == null ? null : f.inRange(e, 0, 100, "weight ");
    return w == null ? Frontend.Pool.DEFAULT_WEIGHT : w.intValue();
  }

  /** Records {@code backend} in {@code pool}: it must exist and be in no other pool. */
  private void reference(String pool, String backend, Entry e) {
    if (!backendNames.contains(backend)) {
      f.semantic(e.path(), e.key(), "no such backend");
    } else if (poolOf.containsKey(backend)) {
      f.semantic(
          e.path(),
          e.key(),
          "already in pool \"" + Text.shorten(poolOf.get(backend)) + "\" of this frontend");
    } else {
      poolOf.put(backend, pool);
      refs.put(backend, e);
    }
  }
}
