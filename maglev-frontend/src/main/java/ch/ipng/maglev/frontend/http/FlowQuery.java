package ch.ipng.maglev.frontend.http;

import ch.ipng.maglev.common.HostPort;
import ch.ipng.maglev.common.Text;
import com.google.common.net.InetAddresses;
import com.google.gson.JsonObject;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A flow lookup's 5-tuple, from the query of {@code GET /view/api/flow/{maglevd}} (and {@code
 * /admin/api/flow/{maglevd}}): {@code src=ADDRESS[:PORT]&dst=ADDRESS:PORT[&proto=tcp|udp]}, written
 * as {@code maglevc show vpp lb flow} takes them (IPv6 as {@code [2001:db8::7]:40000}). The rules
 * are maglevc's and maglevd's: both addresses IP literals of one family, ports 0-65535, the source
 * port 0 when it is left out, protocol tcp (the default) or udp.
 *
 * @param protocol "tcp" or "udp"
 */
public record FlowQuery(String src, int srcPort, String dst, int dstPort, String protocol) {
  /** The parameters a lookup takes. */
  static final List<String> PARAMETERS = List.of("src", "dst", "proto");

  /** The most characters of a parameter echoed in an error. */
  static final int ECHO_MAX = 80;

  /**
   * The query, or why not.
   *
   * @param field the parameter that is wrong ("" when the query is fine)
   */
  public record Parsed(@Nullable FlowQuery query, String field, String error) {
    /** The error as it is answered: {@code {"error": "…", "field": "src"}}. */
    public String errorJson() {
      JsonObject o = new JsonObject();
      o.addProperty("error", error);
      o.addProperty("field", field);
      return o.toString();
    }
  }

  /**
   * Parses the query of a request target ({@code /view/api/flow/lb0?src=…}). Never throws.
   *
   * @return the query, or an error naming the parameter (or "query" for one that cannot be decoded)
   */
  public static Parsed fromTarget(String target) {
    Map<String, List<String>> parameters;
    try {
      parameters = new QueryStringDecoder(target).parameters();
    } catch (IllegalArgumentException e) {
      return error(
          "query",
          "query: \"%s\" cannot be decoded (expected: %%XX escapes of two hex digits, UTF-8)"
              .formatted(
                  echo(target.contains("?") ? target.substring(target.indexOf('?') + 1) : "")));
    }
    return parse(parameters);
  }

  /**
   * Parses a query's parameters (decoded, as {@link QueryStringDecoder#parameters()} gives them).
   * Never throws.
   *
   * @return the query, or an error naming the parameter, its value and what was expected
   */
  public static Parsed parse(Map<String, List<String>> parameters) {
    for (Map.Entry<String, List<String>> e : parameters.entrySet()) {
      if (!PARAMETERS.contains(e.getKey())) {
        return error(
            e.getKey(),
            "unknown parameter \"%s\" (expected: src, dst and optionally proto)"
                .formatted(echo(e.getKey())));
      }
      if (e.getValue().size() > 1) {
        return error(
            e.getKey(),
            "%s: given %d times (expected: once)".formatted(e.getKey(), e.getValue().size()));
      }
    }
    String src = one(parameters, "src");
    String dst = one(parameters, "dst");
    if (src == null || src.isBlank()) {
      return error("src", "src: missing (expected: " + SRC_EXPECTED + ")");
    }
    if (dst == null || dst.isBlank()) {
      return error("dst", "dst: missing (expected: " + DST_EXPECTED + ")");
    }
    Endpoint s = endpoint(src.strip(), false);
    if (s == null) {
      return error("src", "src: \"%s\" (expected: %s)".formatted(echo(src), SRC_EXPECTED));
    }
    Endpoint d = endpoint(dst.strip(), true);
    if (d == null) {
      return error("dst", "dst: \"%s\" (expected: %s)".formatted(echo(dst), DST_EXPECTED));
    }
    if (s.address() instanceof Inet4Address != d.address() instanceof Inet4Address) {
      return error(
          "dst",
          "src %s, dst %s (expected: both IPv4 or both IPv6)"
              .formatted(InetAddresses.toAddrString(s.address()), echo(dst.strip())));
    }
    String proto = one(parameters, "proto");
    String p = proto == null ? "" : proto.strip().toLowerCase(Locale.ROOT);
    if (!p.isEmpty() && !p.equals("tcp") && !p.equals("udp")) {
      return error("proto", "proto: \"%s\" (expected: tcp or udp)".formatted(echo(proto)));
    }
    return new Parsed(
        new FlowQuery(
            InetAddresses.toAddrString(s.address()),
            s.port(),
            InetAddresses.toAddrString(d.address()),
            d.port(),
            p.isEmpty() ? "tcp" : p),
        "",
        "");
  }

  static final String SRC_EXPECTED =
      "ADDRESS or ADDRESS:PORT, e.g. 198.51.100.7:40000 or [2001:db8::7]:40000, port 0-65535";
  static final String DST_EXPECTED =
      "ADDRESS:PORT, e.g. 192.0.2.1:80 or [2001:db8::1]:80, port 0-65535";

  private record Endpoint(InetAddress address, int port) {}

  /**
   * {@code 192.0.2.1:80}, {@code [2001:db8::1]:80} or, when the port may be left out, {@code
   * 192.0.2.1}, {@code [2001:db8::1]} or {@code 2001:db8::1}; null for anything else.
   */
  private static @Nullable Endpoint endpoint(String word, boolean portRequired) {
    HostPort hp = HostPort.split(word);
    if (hp == null) {
      return null;
    }
    String host = hp.host();
    // a literal only: no host names (nothing is resolved) and no IPv6 zone
    if (host.isEmpty() || host.contains("%") || !InetAddresses.isInetAddress(host)) {
      return null;
    }
    InetAddress a = InetAddresses.forString(host);
    if (hp.bracketed() && a instanceof Inet4Address) {
      return null; // brackets hold IPv6 only
    }
    if (hp.port() == null) {
      return portRequired ? null : new Endpoint(a, 0);
    }
    return hp.portNumber() < 0 ? null : new Endpoint(a, hp.portNumber());
  }

  private static @Nullable String one(Map<String, List<String>> parameters, String name) {
    List<String> v = parameters.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static String echo(String s) {
    return Text.cut(s, ECHO_MAX);
  }

  private static Parsed error(String field, String message) {
    return new Parsed(null, field, message);
  }
}
