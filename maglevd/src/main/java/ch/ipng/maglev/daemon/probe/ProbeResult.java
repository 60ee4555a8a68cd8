package ch.ipng.maglev.daemon.probe;

import java.time.Duration;
import java.time.Instant;

/**
 * The outcome of one probe.
 *
 * @param start when the probe started
 * @param detail a human explanation, e.g. "status 503, expected 200-399"
 */
public record ProbeResult(
    Instant start, boolean ok, ProbeCode code, Duration latency, String detail) {

  public static ProbeResult pass(Instant start, ProbeCode code, String detail) {
    return new ProbeResult(start, true, code, Duration.between(start, Instant.now()), detail);
  }

  public static ProbeResult fail(Instant start, ProbeCode code, String detail) {
    return new ProbeResult(start, false, code, Duration.between(start, Instant.now()), detail);
  }
}
