package ch.ipng.maglev.daemon.probe;

import java.time.Duration;
import java.time.Instant;

/**
 * The outcome of one probe. Times are kept as primitives: every backend keeps its last 32 results,
 * so at 10k backends each object per result costs megabytes.
 *
 * @param startEpochNanos when the probe started, unix nanoseconds
 * @param latencyNanos how long it took
 * @param detail a human explanation, e.g. "status 503, expected 200-399"
 * @param tlsNotAfterEpochSeconds when the certificate the backend presented in a TLS handshake
 *     (https, tcp with tls) expires, unix seconds; 0 without a handshake
 */
public record ProbeResult(
    long startEpochNanos,
    boolean ok,
    ProbeCode code,
    long latencyNanos,
    String detail,
    long tlsNotAfterEpochSeconds) {

  /** A result without a TLS certificate. */
  public ProbeResult(
      long startEpochNanos, boolean ok, ProbeCode code, long latencyNanos, String detail) {
    this(startEpochNanos, ok, code, latencyNanos, detail, 0);
  }

  /** This result with the expiry of the certificate the backend presented. */
  public ProbeResult withTlsNotAfter(long epochSeconds) {
    return new ProbeResult(startEpochNanos, ok, code, latencyNanos, detail, epochSeconds);
  }

  public static ProbeResult pass(Instant start, ProbeCode code, String detail) {
    return of(start, true, code, detail);
  }

  public static ProbeResult fail(Instant start, ProbeCode code, String detail) {
    return of(start, false, code, detail);
  }

  private static ProbeResult of(Instant start, boolean ok, ProbeCode code, String detail) {
    long startNanos = start.getEpochSecond() * 1_000_000_000L + start.getNano();
    Instant now = Instant.now();
    long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    return new ProbeResult(startNanos, ok, code, Math.max(0, nowNanos - startNanos), detail);
  }

  public Instant start() {
    return Instant.ofEpochSecond(0, startEpochNanos);
  }

  public Duration latency() {
    return Duration.ofNanos(latencyNanos);
  }
}
