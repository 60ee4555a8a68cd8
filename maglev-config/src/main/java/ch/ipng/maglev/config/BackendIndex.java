package ch.ipng.maglev.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which frontends reference each backend, for one config snapshot: a transition then touches only
 * the frontends it can change, not all of them.
 */
public final class BackendIndex {
  private final Map<String, List<Frontend>> frontends;

  private BackendIndex(Map<String, List<Frontend>> frontends) {
    this.frontends = frontends;
  }

  public static BackendIndex of(Config config) {
    Map<String, List<Frontend>> index = new HashMap<>();
    for (Frontend f : config.frontends().values()) {
      for (Frontend.Pool pool : f.pools()) {
        for (String b : pool.backends().keySet()) {
          // the loader refuses a backend in two pools of one frontend
          index.computeIfAbsent(b, k -> new ArrayList<>()).add(f);
        }
      }
    }
    index.replaceAll((b, list) -> List.copyOf(list));
    return new BackendIndex(Map.copyOf(index));
  }

  /** The frontends whose pools name {@code backend}, in config order; empty for an unused one. */
  public List<Frontend> frontendsOf(String backend) {
    return frontends.getOrDefault(backend, List.of());
  }
}
