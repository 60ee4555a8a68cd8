package ch.ipng.maglev.config;

import ch.ipng.maglev.config.YamlReader.Entry;
import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Decodes {@code maglev.frontends}: each VIP, its protocol and port, and its pools (through {@link
 * PoolsDecoder}); then the rules across backends of a frontend (one family, distinct addresses) and
 * across frontends on one address (distinct ports, no all-port VIP, one backend family).
 */
final class FrontendDecoder {
  static final Set<String> KEYS =
      Fields.keys(
          "description",
          "address",
          "protocol",
          "port",
          "src-ip-sticky",
          "flush-on-down",
          "on-all-down",
          "min-healthy",
          "slow-start",
          "slow-start-max-churn",
          "max-drain",
          "max-drain-window",
          "pools");

  /** A decoded frontend with its config node and those of its backend references. */
  private record Decoded(Frontend frontend, Entry node, Map<String, Entry> refs) {
    /** The family of its first known backend, or null when it has none. */
    @Nullable AddressFamily family(Map<String, Backend> backends) {
      for (String b : refs.keySet()) {
        Backend be = backends.get(b);
        if (be != null) {
          return AddressFamily.of(be.address());
        }
      }
      return null;
    }
  }

  private final Fields f;

  FrontendDecoder(Fields f) {
    this.f = f;
  }

  /**
   * The frontends of the section that decode, in config order. {@code backends} are the decoded
   * backends, {@code backendNames} every name in {@code maglev.backends}.
   */
  Map<String, Frontend> decode(
      Map<String, Entry> section, Map<String, Backend> backends, Set<String> backendNames) {
    Map<String, Frontend> out = new LinkedHashMap<>();
    List<Decoded> decoded = new ArrayList<>();
    for (Entry e : section.values()) {
      Decoded d = frontend(Fields.keyName(e), e, backends, backendNames);
      if (d != null) {
        out.put(d.frontend().name(), d.frontend());
        decoded.add(d);
      }
    }
    sharedAddresses(decoded, backends);
    return out;
  }

  private @Nullable Decoded frontend(
      String name, Entry e, Map<String, Backend> backends, Set<String> backendNames) {
    Map<String, Entry> m = f.mapping(e, KEYS);
    if (m == null) {
      return null;
    }
    InetAddress address = null;
    if (!m.containsKey("address")) {
      f.missing(e, "address", "the VIP address");
    } else {
      address = f.address(m.get("address"));
    }
    Entry protoEntry = m.get("protocol");
    Entry portEntry = m.get("port");
    Protocol protocol = protocol(protoEntry);
    int port = port(portEntry);
    if (port == 0 && protoEntry != null && protocol != Protocol.ANY) {
      f.semantic(
          protoEntry,
          "a VIP for all ports takes every protocol (expected: omit protocol, or set a port)");
    }
    if (port != 0 && protoEntry == null && portEntry != null) {
      f.semantic(portEntry, "port " + port + " needs a protocol (tcp or udp)");
    }
    String description = f.optionalString(m.get("description"));
    boolean sticky = f.flag(m.get("src-ip-sticky"), false);
    boolean flushOnDown = f.flag(m.get("flush-on-down"), true);
    OnAllDown onAllDown = onAllDown(m.get("on-all-down"));
    Entry minEntry = m.get("min-healthy");
    Long min = minEntry == null ? null : f.inRange(minEntry, 0, 100, "min-healthy ");
    Entry slowEntry = m.get("slow-start");
    Duration slowStart = slowEntry == null ? null : f.nonNegative(slowEntry, Duration.ZERO);
    int maxChurn = percent(m.get("slow-start-max-churn"), Frontend.DEFAULT_SLOW_START_MAX_CHURN);
    Entry drainEntry = m.get("max-drain");
    Integer maxDrain = drainEntry == null ? null : percent(drainEntry, "max-drain ");
    Duration drainWindow = f.positive(m.get("max-drain-window"), Frontend.DEFAULT_MAX_DRAIN_WINDOW);
    PoolsDecoder.Pools pools = new PoolsDecoder(f, backendNames).decode(e, m.get("pools"));
    backendAddresses(pools.refs(), backends);
    if (address == null) {
      return null;
    }
    Frontend frontend =
        new Frontend(
            name,
            description == null ? "" : description,
            address,
            protocol,
            port,
            sticky,
            flushOnDown,
            onAllDown,
            min == null ? 0 : min.intValue(),
            maxDrain == null ? 0 : maxDrain,
            drainWindow,
            pools.pools(),
            slowStart,
            maxChurn);
    return new Decoded(frontend, e, pools.refs());
  }

  /** tcp, udp, or omitted for any protocol. */
  private Protocol protocol(@Nullable Entry e) {
    String p = e == null ? null : f.string(e);
    if (e == null || p == null) {
      return Protocol.ANY;
    }
    return switch (p) {
      case "tcp" -> Protocol.TCP;
      case "udp" -> Protocol.UDP;
      default -> {
        f.semantic(
            e,
            "unknown protocol \""
                + Text.shorten(p)
                + "\" (expected: tcp or udp, or omit it for all protocols)");
        yield Protocol.ANY;
      }
    };
  }

  /** A percentage 1-100, written 10 or "10%", or {@code fallback} when not set or not one. */
  private int percent(@Nullable Entry e, int fallback) {
    String v = e == null ? null : f.string(e);
    if (v == null) {
      return fallback;
    }
    String digits = v.strip();
    if (digits.endsWith("%")) {
      digits = digits.substring(0, digits.length() - 1).strip();
    }
    int p = -1;
    if (!digits.isEmpty() && digits.length() <= 3 && digits.chars().allMatch(Character::isDigit)) {
      p = Integer.parseInt(digits);
    }
    if (p < 1 || p > 100) {
      f.semantic(
          e,
          "slow-start-max-churn \""
              + Text.shorten(v)
              + "\" (expected: a percentage of the buckets, 1-100, e.g. 10%)");
      return fallback;
    }
    return p;
  }

  /** drain (the default) or keep-last. */
  private OnAllDown onAllDown(@Nullable Entry e) {
    String v = e == null ? null : f.string(e);
    if (v == null) {
      return OnAllDown.DRAIN;
    }
    return switch (v) {
      case "drain" -> OnAllDown.DRAIN;
      case "keep-last" -> OnAllDown.KEEP_LAST;
      default -> {
        f.semantic(
            e, "unknown on-all-down \"" + Text.shorten(v) + "\" (expected: drain or keep-last)");
        yield OnAllDown.DRAIN;
      }
    };
  }

  /**
   * A percentage 0-100, written as an integer ({@code 50}) or with a percent sign ({@code 50%}), or
   * null (after reporting) when it is neither.
   */
  private @Nullable Integer percent(Entry e, String label) {
    if (e.value() instanceof ScalarNode s && s.getTag().equals(Tag.STR)) {
      String v = s.getValue().strip();
      if (v.matches("[0-9]{1,3}%")) {
        int p = Integer.parseInt(v.substring(0, v.length() - 1));
        if (p <= 100) {
          return p;
        }
      }
      f.semantic(
          e,
          label + "\"" + Text.shorten(v) + "\" (expected: a percentage 0-100, such as 50 or 50%)");
      return null;
    }
    Long v = f.inRange(e, 0, 100, label);
    return v == null ? null : v.intValue();
  }

  /** 0-65535; 0 or omitted for all ports. */
  private int port(@Nullable Entry e) {
    Long p = e == null ? null : f.inRange(e, 0, 65535, "port ");
    return p == null ? 0 : p.intValue();
  }

  /** One address family across a frontend's backends, and distinct addresses (VPP keys by IP). */
  private void backendAddresses(Map<String, Entry> refs, Map<String, Backend> backends) {
    Map<InetAddress, String> byAddress = new HashMap<>();
    Backend first = null;
    for (Map.Entry<String, Entry> ref : refs.entrySet()) {
      Backend b = backends.get(ref.getKey());
      if (b == null) {
        continue;
      }
      Entry at = ref.getValue();
      AddressFamily family = AddressFamily.of(b.address());
      if (first == null) {
        first = b;
      } else if (family != AddressFamily.of(first.address())) {
        f.semantic(
            at.path(),
            at.key(),
            "backend \""
                + b.name()
                + "\" is "
                + family.label()
                + " but \""
                + first.name()
                + "\" is not (expected: one address family per frontend)");
      }
      String other = byAddress.putIfAbsent(b.address(), b.name());
      if (other != null) {
        f.semantic(
            at.path(),
            at.key(),
            "backend \""
                + b.name()
                + "\" has the same address as \""
                + other
                + "\" ("
                + InetAddresses.toAddrString(b.address())
                + ")");
      }
    }
  }

  /** Frontends on one address: distinct (protocol, port), no all-port mix, one backend family. */
  private void sharedAddresses(List<Decoded> frontends, Map<String, Backend> backends) {
    Map<InetAddress, List<Decoded>> byAddress = new LinkedHashMap<>();
    for (Decoded d : frontends) {
      byAddress.computeIfAbsent(d.frontend().address(), a -> new ArrayList<>()).add(d);
    }
    for (List<Decoded> group : byAddress.values()) {
      for (int i = 1; i < group.size(); i++) {
        Decoded d = group.get(i);
        // One error per frontend: its first conflict is enough to act on.
        for (int j = 0; j < i; j++) {
          if (conflict(d, group.get(j), backends)) {
            break;
          }
        }
      }
    }
  }

  /** Reports the first rule that {@code d} breaks by sharing {@code g}'s address, if any. */
  private boolean conflict(Decoded d, Decoded g, Map<String, Backend> backends) {
    Frontend fe = d.frontend();
    Frontend ge = g.frontend();
    String addr = InetAddresses.toAddrString(fe.address());
    String prefix = "shares address " + addr + " with frontend \"" + Text.shorten(ge.name()) + "\"";
    if (fe.port() == 0 || ge.port() == 0) {
      reportAt(d, prefix + ", and a VIP for all ports cannot share its address (VPP refuses it)");
      return true;
    }
    if (fe.port() == ge.port() && fe.protocol() == ge.protocol()) {
      reportAt(
          d, "same address, protocol and port as frontend \"" + Text.shorten(ge.name()) + "\"");
      return true;
    }
    AddressFamily mine = d.family(backends);
    AddressFamily theirs = g.family(backends);
    if (mine != null && theirs != null && mine != theirs) {
      reportAt(
          d,
          prefix
              + " but its backends are "
              + mine.label()
              + " and those are "
              + theirs.label()
              + " (expected: one encapsulation per VIP address)");
      return true;
    }
    return false;
  }

  private void reportAt(Decoded d, String message) {
    f.semantic(d.node().path(), d.node().key(), message);
  }
}
