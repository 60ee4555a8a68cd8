package ch.ipng.maglev.config;

import ch.ipng.maglev.config.YamlReader.Entry;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Decodes {@code maglev.healthchecker}: the transition history and the probes' namespace. */
final class HealthCheckerDecoder {
  static final Set<String> KEYS = Fields.keys("transition-history", "netns");
  private static final Pattern NETNS_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  private final Fields f;

  HealthCheckerDecoder(Fields f) {
    this.f = f;
  }

  /** The settings, with defaults for what is missing or wrong. */
  HealthCheckerSettings decode(@Nullable Entry e) {
    Map<String, Entry> m = e == null ? null : f.mapping(e, KEYS);
    if (m == null) {
      return HealthCheckerSettings.defaults();
    }
    Entry history = m.get("transition-history");
    Long h = history == null ? null : f.inRange(history, 1, 10_000, "transition-history: ");
    return new HealthCheckerSettings(
        h == null ? HealthCheckerSettings.DEFAULT_TRANSITION_HISTORY : h.intValue(),
        netns(m.get("netns")));
  }

  /** A name under /var/run/netns, or null for maglevd's own namespace. */
  private @Nullable String netns(@Nullable Entry e) {
    String v = e == null ? null : f.string(e);
    if (e == null || v == null || v.isEmpty()) {
      return null;
    }
    if (!NETNS_NAME.matcher(v).matches() || v.equals(".") || v.equals("..")) {
      f.semantic(
          e,
          "invalid namespace name \""
              + Text.shorten(v)
              + "\" (expected: a name under /var/run/netns)");
      return null;
    }
    return v;
  }
}
