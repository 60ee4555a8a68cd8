package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Each frontend's {@link DesiredVip.Layout} for the config in force, made when first asked and
 * dropped when the config changes: the layout is fixed by the config, so a burst of transitions
 * does not sort the same addresses again for every frontend it touches.
 */
final class Layouts {
  private record ForConfig(@Nullable Config config, Map<String, DesiredVip.Layout> byFrontend) {}

  private volatile ForConfig current = new ForConfig(null, Map.of());

  DesiredVip.Layout of(Config config, Frontend frontend) {
    ForConfig c = current;
    if (c.config() != config) {
      c = new ForConfig(config, new ConcurrentHashMap<>());
      current = c;
    }
    return c.byFrontend()
        .computeIfAbsent(frontend.name(), n -> DesiredVip.Layout.of(config, frontend));
  }
}
