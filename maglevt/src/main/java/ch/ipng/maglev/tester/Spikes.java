package ch.ipng.maglev.tester;

/**
 * The spike rule: a successful probe is a spike when it is far slower than its VIP's own recent
 * successes. With at least {@link #MIN_SAMPLES} successful probes in the VIP's window (before this
 * one), a latency is a spike when it is at least {@link #FLOOR_NANOS} (50 ms) and above both {@link
 * #FACTOR} (5) times the window's p50 and the window's p99. The floor keeps a loopback VIP that
 * answers in 0.2 ms from calling 1.5 ms a spike; the p99 keeps a VIP that is often slow from
 * calling its usual slowness one.
 */
public final class Spikes {
  public static final int MIN_SAMPLES = 10;
  public static final long FLOOR_NANOS = 50_000_000L;
  public static final long FACTOR = 5;

  private Spikes() {}

  /**
   * Whether {@code latencyNanos} is a spike against {@code sortedOk}, the window's successful
   * latencies in ascending order.
   */
  public static boolean isSpike(long latencyNanos, long[] sortedOk) {
    int n = sortedOk.length;
    if (n < MIN_SAMPLES || latencyNanos < FLOOR_NANOS) {
      return false;
    }
    long p50 = Stats.percentile(sortedOk, 50);
    long p99 = Stats.percentile(sortedOk, 99);
    return latencyNanos > FACTOR * p50 && latencyNanos > p99;
  }
}
