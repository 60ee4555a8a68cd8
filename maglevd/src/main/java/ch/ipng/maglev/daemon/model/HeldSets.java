package ch.ipng.maglev.daemon.model;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The held sets a {@link LiveModel} carries (frontend → backends its removal budget holds): cleaned
 * when set, compared for the frontends they change, and carried into a new config.
 */
final class HeldSets {
  private HeldSets() {}

  /** {@code next} without empty sets and frontends not in {@code config} (a mutable map). */
  static Map<String, Set<String>> clean(Map<String, Set<String>> next, Config config) {
    Map<String, Set<String>> clean = new HashMap<>();
    next.forEach(
        (f, bs) -> {
          if (!bs.isEmpty() && config.frontends().containsKey(f)) {
            clean.put(f, Set.copyOf(bs));
          }
        });
    return clean;
  }

  /** The frontends of {@code config} whose held set differs between the two. */
  static List<Frontend> changed(
      Config config, Map<String, Set<String>> a, Map<String, Set<String>> b) {
    List<Frontend> affected = new ArrayList<>();
    for (Frontend f : config.frontends().values()) {
      if (!Objects.equals(a.get(f.name()), b.get(f.name()))) {
        affected.add(f);
      }
    }
    return affected;
  }

  /** The held sets carried into a new config: frontends and backend references still there. */
  static Map<String, Set<String>> carry(Map<String, Set<String>> held, Config next) {
    Map<String, Set<String>> out = new HashMap<>();
    held.forEach(
        (name, bs) -> {
          Frontend f = next.frontends().get(name);
          if (f != null) {
            Set<String> keep = new HashSet<>();
            for (String b : bs) {
              if (f.references(b)) {
                keep.add(b);
              }
            }
            if (!keep.isEmpty()) {
              out.put(name, Set.copyOf(keep));
            }
          }
        });
    return Map.copyOf(out);
  }
}
