package ch.ipng.maglev.config;

import ch.ipng.maglev.common.GoDuration;
import ch.ipng.maglev.config.YamlReader.Entry;
import com.google.common.net.InetAddresses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Decodes {@code maglev.healthchecker}: the transition history, the probes' namespace and
 * self-suspicion.
 */
final class HealthCheckerDecoder {
  static final Set<String> KEYS = Fields.keys("transition-history", "netns", "self-suspicion");
  static final Set<String> SELF_SUSPICION_KEYS =
      Fields.keys("enabled", "min-backends", "share", "window", "max-lateness", "hold", "canaries");

  /** The most canaries: each is probed every interval, and a few answer the question. */
  static final int MAX_CANARIES = 16;

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
        f.positive(m.get("hold"), SelfSuspicionSettings.DEFAULT_HOLD),
        canaries(m.get("canaries")));
  }

  /** {@code canaries}: a list of IP addresses, each with an optional port ({@code [v6]:port}). */
  private List<Canary> canaries(@Nullable Entry e) {
    List<Node> items = e == null ? null : f.sequence(e);
    if (e == null || items == null) {
      return List.of();
    }
    if (items.size() > MAX_CANARIES) {
      f.semantic(e, items.size() + " canaries (expected: at most " + MAX_CANARIES + ")");
      return List.of();
    }
    List<Canary> out = new ArrayList<>();
    Set<Canary> seen = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      Entry item = new Entry(e.path() + "[" + i + "]", e.key(), items.get(i));
      String v = f.string(item);
      if (v == null) {
        continue;
      }
      Canary c = canary(v);
      if (c == null) {
        f.semantic(
            item,
            "invalid canary \""
                + Text.shorten(v)
                + "\" (expected: an IP address, or address:port with a port 1-65535, e.g."
                + " 198.18.0.1, 198.18.0.1:80, [2001:db8::1]:443)");
      } else if (!seen.add(c)) {
        f.semantic(item, "duplicate canary \"" + Text.shorten(v) + "\"");
      } else {
        out.add(c);
      }
    }
    return out;
  }

  /** An address, {@code v4:port} or {@code [v6]:port}; null when it is none of them. */
  static @Nullable Canary canary(String v) {
    if (InetAddresses.isInetAddress(v)) {
      return new Canary(InetAddresses.forString(v), 0);
    }
    int colon = v.lastIndexOf(':');
    if (colon <= 0) {
      return null;
    }
    String host = v.substring(0, colon);
    String port = v.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
      if (!host.contains(":")) {
        return null; // brackets are for IPv6
      }
    } else if (host.contains(":")) {
      return null; // IPv6 with a port needs brackets
    }
    if (!InetAddresses.isInetAddress(host) || !port.matches("[0-9]{1,5}")) {
      return null;
    }
    int p = Integer.parseInt(port);
    return p < 1 || p > 65_535 ? null : new Canary(InetAddresses.forString(host), p);
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
