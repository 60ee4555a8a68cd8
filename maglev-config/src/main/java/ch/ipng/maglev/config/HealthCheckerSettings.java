package ch.ipng.maglev.config;

import org.jspecify.annotations.Nullable;

/**
 * {@code maglev.healthchecker}: global health-checker settings.
 *
 * @param transitionHistory transitions kept per backend (≥ 1)
 * @param netns the network namespace probes run in, or null for maglevd's own
 * @param selfSuspicion when maglevd suspects its own probes
 */
public record HealthCheckerSettings(
    int transitionHistory, @Nullable String netns, SelfSuspicionSettings selfSuspicion) {
  public static final int DEFAULT_TRANSITION_HISTORY = 5;

  /** With self-suspicion's defaults. */
  public HealthCheckerSettings(int transitionHistory, @Nullable String netns) {
    this(transitionHistory, netns, SelfSuspicionSettings.defaults());
  }

  public static HealthCheckerSettings defaults() {
    return new HealthCheckerSettings(DEFAULT_TRANSITION_HISTORY, null);
  }
}
