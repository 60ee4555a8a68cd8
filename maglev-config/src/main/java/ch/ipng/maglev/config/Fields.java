package ch.ipng.maglev.config;

import ch.ipng.maglev.common.GoDuration;
import ch.ipng.maglev.config.YamlReader.Entry;
import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * The field helper every section decoder shares: typed reads through one {@link YamlReader} (whose
 * structure and type errors are parse errors) and the value rules used in more than one section
 * (ranges, durations, addresses and their family), reported as semantic errors at the value's YAML
 * path, line and column. An optional key is passed as a null entry and reads as its default.
 */
final class Fields {
  private final YamlReader r;

  Fields(YamlReader r) {
    this.r = r;
  }

  /** The allowed keys of a mapping, in the order error messages list them. */
  static Set<String> keys(String... keys) {
    return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(keys)));
  }

  /** The key of an entry as text (mapping keys are scalars: {@link YamlReader} checks that). */
  static String keyName(Entry e) {
    return ((ScalarNode) e.key()).getValue();
  }

  // Structure: parse errors.

  @Nullable Map<String, Entry> mapping(String path, Node node, @Nullable Set<String> allowed) {
    return r.mapping(path, node, allowed);
  }

  @Nullable Map<String, Entry> mapping(Entry e, @Nullable Set<String> allowed) {
    return r.mapping(e.path(), e.value(), allowed);
  }

  @Nullable List<Node> sequence(Entry e) {
    return r.sequence(e.path(), e.value());
  }

  /**
   * A section of named objects ({@code maglev.backends} and the like): its entries by name, empty
   * when the section is absent or not a mapping. An empty name is a semantic error.
   */
  Map<String, Entry> named(@Nullable Entry section) {
    Map<String, Entry> m = section == null ? null : mapping(section, null);
    if (m == null) {
      return Map.of();
    }
    for (Entry child : m.values()) {
      if (keyName(child).isEmpty()) {
        semantic(child.path(), child.key(), "empty name");
      }
    }
    return m;
  }

  @Nullable String string(Entry e) {
    return r.string(e);
  }

  @Nullable Long integer(Entry e) {
    return r.integer(e);
  }

  @Nullable Duration duration(Entry e) {
    return r.duration(e);
  }

  /** A YAML null or a missing key reads as null. */
  @Nullable String optionalString(@Nullable Entry e) {
    return e == null || YamlReader.isNull(e.value()) ? null : r.string(e);
  }

  /** A boolean, or {@code fallback} when the key is missing or not a boolean. */
  boolean flag(@Nullable Entry e, boolean fallback) {
    if (e == null) {
      return fallback;
    }
    Boolean b = r.bool(e);
    return b == null ? fallback : b;
  }

  /** A structure problem the reader cannot see, such as a missing top-level key. */
  void parseError(String path, Node node, String message) {
    r.parse(path, node, message);
  }

  // Rules: semantic errors.

  void semantic(String path, Node node, String message) {
    r.semantic(path, node, message);
  }

  /** A rule broken by an entry's value. */
  void semantic(Entry e, String message) {
    r.semantic(e.path(), e.value(), message);
  }

  /** A required key missing from the mapping of {@code parent}, reported at the parent's key. */
  void missing(Entry parent, String key, String expected) {
    r.semantic(parent.path() + "." + key, parent.key(), "missing (expected: " + expected + ")");
  }

  int semanticErrorCount() {
    return r.semanticErrors().size();
  }

  /**
   * An integer from {@code min} to {@code max}, or null (after reporting) when it is not one. The
   * message is {@code label}, the value and the range, e.g. "port 0 (expected: 1-65535)".
   */
  @Nullable Long inRange(Entry e, long min, long max, String label) {
    Long v = r.integer(e);
    if (v == null) {
      return null;
    }
    if (v < min || v > max) {
      semantic(e, label + v + " (expected: " + min + "-" + max + ")");
      return null;
    }
    return v;
  }

  /** A count from 1 to 1000 (rise, fall), or {@code fallback}. */
  int atLeastOne(@Nullable Entry e, int fallback) {
    Long v = e == null ? null : inRange(e, 1, 1000, "");
    return v == null ? fallback : v.intValue();
  }

  /** A duration > 0, or {@code fallback}. */
  Duration positive(@Nullable Entry e, Duration fallback) {
    Duration d = e == null ? null : r.duration(e);
    if (e == null || d == null) {
      return fallback;
    }
    if (d.isNegative() || d.isZero()) {
      semantic(e, GoDuration.format(d) + " (expected: > 0)");
      return fallback;
    }
    return d;
  }

  /** A duration >= 0, or {@code fallback}. */
  Duration nonNegative(@Nullable Entry e, Duration fallback) {
    Duration d = e == null ? null : r.duration(e);
    if (e == null || d == null) {
      return fallback;
    }
    if (d.isNegative()) {
      semantic(e, GoDuration.format(d) + " (expected: >= 0)");
      return fallback;
    }
    return d;
  }

  /** An IPv4 or IPv6 address, or null (after reporting). */
  @Nullable InetAddress address(Entry e) {
    String s = r.string(e);
    if (s == null) {
      return null;
    }
    if (!InetAddresses.isInetAddress(s)) {
      semantic(e, "invalid address \"" + Text.shorten(s) + "\" (expected: an IP address)");
      return null;
    }
    return InetAddresses.forString(s);
  }

  /** An address of {@code family}, or null: when the key is missing, or after reporting. */
  @Nullable InetAddress address(@Nullable Entry e, AddressFamily family) {
    InetAddress a = e == null ? null : address(e);
    if (e != null && a != null && AddressFamily.of(a) != family) {
      semantic(e, "wrong address family (expected: an " + family.label() + " address)");
      return null;
    }
    return a;
  }

  @Nullable Inet4Address ipv4(@Nullable Entry e) {
    return (Inet4Address) address(e, AddressFamily.IPV4);
  }

  @Nullable Inet6Address ipv6(@Nullable Entry e) {
    return (Inet6Address) address(e, AddressFamily.IPV6);
  }
}
