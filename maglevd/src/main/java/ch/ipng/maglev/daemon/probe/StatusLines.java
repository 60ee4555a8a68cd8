package ch.ipng.maglev.daemon.probe;

import ch.ipng.maglev.config.HealthCheck;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * HTTP checks judged on the status line alone: the request both probers send and the verdict on the
 * line that comes back, so the two transports cannot drift apart.
 */
final class StatusLines {
  private StatusLines() {}

  /** The longest status line accepted. */
  static final int LIMIT = 8192;

  /** "status 200": shared per code, since every backend keeps 32 results. */
  private static final String[] DETAILS = new String[600];

  static {
    for (int i = 100; i < DETAILS.length; i++) {
      DETAILS[i] = "status " + i;
    }
  }

  /** The request's bytes: a GET that asks the server to close, with nothing to parse back. */
  static byte[] request(HealthCheck.HttpParams http, InetAddress target, int port, String agent) {
    String host = http.host() != null ? http.host() : hostHeader(target, port);
    return ("GET "
            + http.path()
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nUser-Agent: "
            + agent
            + "\r\nAccept: */*\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The result for a complete status line (without its line end). */
  static ProbeResult judge(Instant start, HealthCheck.HttpParams http, String statusLine) {
    int status = parse(statusLine);
    if (status < 0) {
      return ProbeResult.fail(
          start,
          ProbeCode.L7RSP,
          "invalid HTTP response: status line \"" + printable(statusLine) + "\"");
    }
    if (!http.responseCodes().matches(status)) {
      return ProbeResult.fail(
          start, ProbeCode.L7STS, "status " + status + ", expected " + http.responseCodes().text());
    }
    return ProbeResult.pass(start, ProbeCode.L7OK, detail(status));
  }

  static ProbeResult tooLong(Instant start) {
    return ProbeResult.fail(
        start,
        ProbeCode.L7RSP,
        "invalid HTTP response: no status line in the first " + LIMIT + " bytes");
  }

  /** The code of "HTTP/1.x NNN [reason]", or -1 when the line is not one. */
  static int parse(String line) {
    if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
      return -1;
    }
    if (line.length() > 12 && line.charAt(12) != ' ') {
      return -1;
    }
    int code = 0;
    for (int i = 9; i < 12; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      code = code * 10 + (c - '0');
    }
    return code >= 100 ? code : -1;
  }

  static String detail(int status) {
    return status >= 100 && status < DETAILS.length ? DETAILS[status] : "status " + status;
  }

  /** At most 80 characters of {@code s}, control characters as '?'. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 80; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c > 0x7e ? '?' : c);
    }
    return s.length() > 80 ? b + "..." : b.toString();
  }

  static String hostHeader(InetAddress target, int port) {
    String h =
        target instanceof Inet4Address
            ? target.getHostAddress()
            : "[" + com.google.common.net.InetAddresses.toAddrString(target) + "]";
    return port == 80 || port == 443 ? h : h + ":" + port;
  }
}
