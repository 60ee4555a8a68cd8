package ch.ipng.maglev.frontend.upstream;

import java.util.function.LongSupplier;

/**
 * A token bucket: at most {@code burst} at once, then {@code perSecond} a second. Thread-safe; the
 * clock is given (nanoseconds), so the rule is tested without waiting.
 */
final class Pace {
  private final int perSecond;
  private final int burst;
  private final LongSupplier nanos;
  private double tokens;
  private long last;

  Pace(int perSecond, int burst, LongSupplier nanos) {
    if (perSecond < 1 || burst < 1) {
      throw new IllegalArgumentException(
          "perSecond " + perSecond + ", burst " + burst + " (expected: both at least 1)");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.nanos = nanos;
    this.tokens = burst;
    this.last = nanos.getAsLong();
  }

  /** Takes one token if there is one. */
  synchronized boolean take() {
    long now = nanos.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
    last = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  int perSecond() {
    return perSecond;
  }
}
