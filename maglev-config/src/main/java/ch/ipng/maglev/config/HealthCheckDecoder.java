package ch.ipng.maglev.config;

import ch.ipng.maglev.config.YamlReader.Entry;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/** Decodes {@code maglev.healthchecks}: one {@link HealthCheck} per name, defaults filled in. */
final class HealthCheckDecoder {
  static final Set<String> KEYS =
      Fields.keys(
          "type",
          "port",
          "interval",
          "fast-interval",
          "down-interval",
          "timeout",
          "rise",
          "fall",
          "probe-ipv4-src",
          "probe-ipv6-src",
          "params",
          "slow-start");
  static final Set<String> PARAMS =
      Fields.keys(
          "path",
          "host",
          "response-code",
          "response-regexp",
          "server-name",
          "tls-verify",
          "tls",
          "ca-file");
  private static final List<String> TLS_PARAMS = List.of("server-name", "tls-verify", "ca-file");
  private static final Map<ProbeType, Set<String>> PARAMS_BY_TYPE =
      Map.of(
          ProbeType.ICMP, Set.of(),
          ProbeType.TCP, Set.of("tls", "server-name", "tls-verify", "ca-file"),
          ProbeType.HTTP, Set.of("path", "host", "response-code", "response-regexp"),
          ProbeType.HTTPS,
              Set.of(
                  "path",
                  "host",
                  "response-code",
                  "response-regexp",
                  "server-name",
                  "tls-verify",
                  "ca-file"));
  private static final String TYPES = "icmp, tcp, http or https";

  private final Fields f;

  HealthCheckDecoder(Fields f) {
    this.f = f;
  }

  /** The checks of the section that decode, by name. */
  Map<String, HealthCheck> decode(Map<String, Entry> section) {
    Map<String, HealthCheck> out = new LinkedHashMap<>();
    for (Entry e : section.values()) {
      HealthCheck hc = healthcheck(Fields.keyName(e), e);
      if (hc != null) {
        out.put(hc.name(), hc);
      }
    }
    return out;
  }

  private @Nullable HealthCheck healthcheck(String name, Entry e) {
    Map<String, Entry> m = f.mapping(e, KEYS);
    if (m == null) {
      return null;
    }
    ProbeType type = type(e, m.get("type"));
    int port = port(e, m.get("port"), type);
    Duration interval = f.positive(m.get("interval"), HealthCheck.DEFAULT_INTERVAL);
    Duration fast = f.positive(m.get("fast-interval"), interval);
    Duration down = f.positive(m.get("down-interval"), interval);
    Duration timeout = f.positive(m.get("timeout"), HealthCheck.DEFAULT_TIMEOUT);
    int rise = f.atLeastOne(m.get("rise"), HealthCheck.DEFAULT_RISE);
    int fall = f.atLeastOne(m.get("fall"), HealthCheck.DEFAULT_FALL);
    Inet4Address src4 = f.ipv4(m.get("probe-ipv4-src"));
    Inet6Address src6 = f.ipv6(m.get("probe-ipv6-src"));
    Duration slowStart = f.nonNegative(m.get("slow-start"), Duration.ZERO);
    Entry paramsEntry = m.get("params");
    Map<String, Entry> params = paramsEntry == null ? null : f.mapping(paramsEntry, PARAMS);
    if (params == null) {
      params = Map.of();
    }
    if (type == null) {
      return null;
    }
    for (Entry p : params.values()) {
      if (!PARAMS_BY_TYPE.get(type).contains(Fields.keyName(p))) {
        f.semantic(p.path(), p.key(), "not valid for type " + type.configName());
      }
    }
    HealthCheck.HttpParams http =
        type == ProbeType.HTTP || type == ProbeType.HTTPS ? http(params) : null;
    HealthCheck.TcpParams tcp = type == ProbeType.TCP ? tcp(params) : null;
    return new HealthCheck(
        name, type, port, interval, fast, down, timeout, rise, fall, src4, src6, http, tcp,
        slowStart);
  }

  private @Nullable ProbeType type(Entry check, @Nullable Entry e) {
    if (e == null) {
      f.missing(check, "type", TYPES);
      return null;
    }
    String t = f.string(e);
    if (t == null) {
      return null;
    }
    for (ProbeType p : ProbeType.values()) {
      if (p.configName().equals(t)) {
        return p;
      }
    }
    f.semantic(e, "unknown type \"" + Text.shorten(t) + "\" (expected: " + TYPES + ")");
    return null;
  }

  /** The destination port: required by the types that need one, refused for icmp; else 0. */
  private int port(Entry check, @Nullable Entry e, @Nullable ProbeType type) {
    if (e == null) {
      if (type != null && type.needsPort()) {
        f.missing(check, "port", "1-65535 for type " + type.configName());
      }
      return 0;
    }
    if (type == ProbeType.ICMP) {
      if (f.integer(e) != null) {
        f.semantic(e, "not used by type icmp");
      }
      return 0;
    }
    Long p = f.inRange(e, 1, 65535, "port ");
    return p == null ? 0 : p.intValue();
  }

  private HealthCheck.HttpParams http(Map<String, Entry> params) {
    return new HealthCheck.HttpParams(
        path(params.get("path")),
        host(params.get("host")),
        responseCodes(params.get("response-code")),
        regexp(params.get("response-regexp")),
        f.optionalString(params.get("server-name")),
        f.flag(params.get("tls-verify"), false),
        caFile(params.get("ca-file")));
  }

  private HealthCheck.TcpParams tcp(Map<String, Entry> params) {
    HealthCheck.TcpParams tcp =
        new HealthCheck.TcpParams(
            f.flag(params.get("tls"), false),
            f.optionalString(params.get("server-name")),
            f.flag(params.get("tls-verify"), false),
            caFile(params.get("ca-file")));
    if (!tcp.tls()) {
      for (String k : TLS_PARAMS) {
        if (params.containsKey(k)) {
          f.semantic(params.get(k).path(), params.get(k).key(), "needs tls: true");
        }
      }
    }
    return tcp;
  }

  /** The request path: starts with / and fits a request line as it is; default /. */
  private String path(@Nullable Entry e) {
    String v = e == null ? null : f.string(e);
    if (e == null || v == null) {
      return "/";
    }
    if (!v.startsWith("/")) {
      f.semantic(e, "path \"" + Text.shorten(v) + "\" (expected: starts with /)");
      return "/";
    }
    if (!isHttpToken(v)) {
      f.semantic(
          e,
          "path \"" + Text.shorten(escaped(v)) + "\" (expected: no spaces or control characters)");
      return "/";
    }
    return v;
  }

  /** The Host header, or null for the address. */
  private @Nullable String host(@Nullable Entry e) {
    String host = f.optionalString(e);
    if (e != null && host != null && !isHttpToken(host)) {
      f.semantic(
          e,
          "host \""
              + Text.shorten(escaped(host))
              + "\" (expected: no spaces or control characters)");
      return null;
    }
    return host;
  }

  private ResponseCodes responseCodes(@Nullable Entry e) {
    String v = e == null ? null : f.string(e);
    if (e == null || v == null) {
      return ResponseCodes.DEFAULT;
    }
    try {
      return ResponseCodes.parse(v);
    } catch (IllegalArgumentException ex) {
      f.semantic(e, ex.getMessage());
      return ResponseCodes.DEFAULT;
    }
  }

  private @Nullable Pattern regexp(@Nullable Entry e) {
    String v = e == null ? null : f.string(e);
    if (e == null || v == null) {
      return null;
    }
    try {
      return Pattern.compile(v);
    } catch (PatternSyntaxException ex) {
      f.semantic(e, "invalid regular expression: " + ex.getDescription());
      return null;
    }
  }

  /** A readable PEM file; an unreadable one is reported, and kept so the check still differs. */
  private @Nullable Path caFile(@Nullable Entry e) {
    String s = f.optionalString(e);
    if (s == null || e == null) {
      return null;
    }
    Path p = Path.of(s);
    if (!Files.isReadable(p)) {
      f.semantic(e, "cannot read \"" + Text.shorten(s) + "\" (expected: a PEM file of CAs)");
    }
    return p;
  }

  /** Whether {@code s} can stand in an HTTP request line or header as it is: printable ASCII. */
  static boolean isHttpToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** {@code s} with control characters written as escapes, so a message stays on one line. */
  static String escaped(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\r' -> b.append("\\r");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
