package ch.ipng.maglev.frontend.http;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The dashboard listener's bounds (each a flag of maglevd-frontend).
 *
 * @param idleTimeout how long a connection may sit without a request in progress (before its first
 *     request, and after each answer) before it is closed; an event stream is exempt
 * @param headerTimeout how long a request may take to arrive in full, head and body, counted from
 *     its first byte; then 408 and the connection is closed
 * @param maxConnections open connections at most, event streams included; one more is answered 503
 *     and closed
 * @param maxUriLength the longest request target, in bytes; a longer one is answered 414
 * @param maxHeaderSize the most bytes of header fields one request may carry; more is answered 431
 */
public record HttpLimits(
    Duration idleTimeout,
    Duration headerTimeout,
    int maxConnections,
    int maxUriLength,
    int maxHeaderSize) {
  /** The largest request body (admin actions send a few bytes of JSON); more is answered 413. */
  public static final int MAX_BODY = 64 * 1024;

  public static final HttpLimits DEFAULTS =
      new HttpLimits(Duration.ofSeconds(60), Duration.ofSeconds(10), 1024, 4096, 8192);

  public HttpLimits {
    requireNonNull(idleTimeout, "idleTimeout");
    requireNonNull(headerTimeout, "headerTimeout");
    check(idleTimeout.isPositive(), "idleTimeout", idleTimeout, "> 0");
    check(headerTimeout.isPositive(), "headerTimeout", headerTimeout, "> 0");
    check(maxConnections >= 1, "maxConnections", maxConnections, ">= 1");
    check(maxUriLength >= 64, "maxUriLength", maxUriLength, ">= 64");
    check(maxHeaderSize >= 1024, "maxHeaderSize", maxHeaderSize, ">= 1024");
  }

  public HttpLimits withIdleTimeout(Duration d) {
    return new HttpLimits(d, headerTimeout, maxConnections, maxUriLength, maxHeaderSize);
  }

  public HttpLimits withHeaderTimeout(Duration d) {
    return new HttpLimits(idleTimeout, d, maxConnections, maxUriLength, maxHeaderSize);
  }

  public HttpLimits withMaxConnections(int n) {
    return new HttpLimits(idleTimeout, headerTimeout, n, maxUriLength, maxHeaderSize);
  }

  public HttpLimits withMaxUriLength(int n) {
    return new HttpLimits(idleTimeout, headerTimeout, maxConnections, n, maxHeaderSize);
  }

  public HttpLimits withMaxHeaderSize(int n) {
    return new HttpLimits(idleTimeout, headerTimeout, maxConnections, maxUriLength, n);
  }

  private static void check(boolean ok, String name, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: " + expected + ")");
    }
  }
}
