package ch.ipng.maglev.config;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code maglev.healthchecker.self-suspicion}: when maglevd suspects its own probes rather than the
 * backends (docs/healthchecks.md states the rule).
 *
 * @param enabled on by default
 * @param minBackends backends that must go down within the window (≥ 1; default 5)
 * @param share percent of the backends with a verdict that must go down within the window (1-100;
 *     default 50)
 * @param window how far back downs count; null: 3 × the shortest health-check interval
 * @param maxLateness a probe starting later than this behind schedule means maglevd stalled; null:
 *     2 × the shortest health-check timeout, at least 500ms
 * @param hold the longest a suspicion lasts before the backends still down are believed (default
 *     60s)
 * @param canaries addresses that should always answer (none by default): failing with the backends,
 *     they say the checker is at fault; answering, that the backends' failures are real
 */
public record SelfSuspicionSettings(
    boolean enabled,
    int minBackends,
    int share,
    @Nullable Duration window,
    @Nullable Duration maxLateness,
    Duration hold,
    List<Canary> canaries) {
  public static final int DEFAULT_MIN_BACKENDS = 5;
  public static final int DEFAULT_SHARE = 50;
  public static final Duration DEFAULT_HOLD = Duration.ofSeconds(60);

  public SelfSuspicionSettings {
    canaries = List.copyOf(canaries);
  }

  /** Without canaries. */
  public SelfSuspicionSettings(
      boolean enabled,
      int minBackends,
      int share,
      @Nullable Duration window,
      @Nullable Duration maxLateness,
      Duration hold) {
    this(enabled, minBackends, share, window, maxLateness, hold, List.of());
  }

  public static SelfSuspicionSettings defaults() {
    return new SelfSuspicionSettings(
        true, DEFAULT_MIN_BACKENDS, DEFAULT_SHARE, null, null, DEFAULT_HOLD);
  }
}
