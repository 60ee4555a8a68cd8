package ch.ipng.maglev.config;

import ch.ipng.maglev.common.GoDuration;
import ch.ipng.maglev.config.YamlReader.Entry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Decodes {@code maglev.healthchecker}: the transition history, the probes' namespace and
 * self-suspicion.
 */
final class HealthCheckerDecoder {
  static final Set<String> KEYS = Fields.keys("transition-history", "netns", "self-suspicion");
  static final Set<String> SELF_SUSPICION_KEYS =
      Fields.keys("enabled", "min-backends", "share", "window", "max-lateness", "hold");
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
        netns(m.get("netns")),
        selfSuspicion(m.get("self-suspicion")));
  }

  /** {@code self-suspicion}: each key checked, defaults for what is missing or wrong. */
  private SelfSuspicionSettings selfSuspicion(@Nullable Entry e) {
    Map<String, Entry> m = e == null ? null : f.mapping(e, SELF_SUSPICION_KEYS);
    if (m == null) {
      return SelfSuspicionSettings.defaults();
    }
    Entry min = m.get("min-backends");
    Long minBackends = min == null ? null : f.inRange(min, 1, 1_000_000, "min-backends: ");
    Entry share = m.get("share");
    Long sharePercent = share == null ? null : f.inRange(share, 1, 100, "share: ");
    Entry window = m.get("window");
    Entry late = m.get("max-lateness");
    return new SelfSuspicionSettings(
        f.flag(m.get("enabled"), true),
        minBackends == null ? SelfSuspicionSettings.DEFAULT_MIN_BACKENDS : minBackends.intValue(),
        sharePercent == null ? SelfSuspicionSettings.DEFAULT_SHARE : sharePercent.intValue(),
        positiveOrNull(window),
        positiveOrNull(late),
        f.positive(m.get("hold"), SelfSuspicionSettings.DEFAULT_HOLD));
  }

  /** A duration > 0, or null (after reporting) when missing or not one. */
  private @Nullable Duration positiveOrNull(@Nullable Entry e) {
    Duration d = e == null ? null : f.duration(e);
    if (e == null || d == null) {
      return null;
    }
    if (!d.isPositive()) {
      f.semantic(e, GoDuration.format(d) + " (expected: > 0)");
      return null;
    }
    return d;
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
