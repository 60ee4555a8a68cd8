package ch.ipng.maglev.daemon.health;

import java.util.Locale;

/**
 * Why a backend entry of a frontend carries the effective weight it does: the one vocabulary the
 * API, maglevc and the dashboard use (docs/user-guide.md lists it).
 */
public enum WeightReason {
  /** Up in the active pool: it carries its pool weight (configured, or set by an operator). */
  CONFIGURED,
  /** Up, but its pool is not the active one (pool failover): weight 0. */
  STANDBY,
  /** Its pool is in panic (too few up for min-healthy): up or down, it carries its pool weight. */
  PANIC,
  /** Nothing is up and the frontend keeps the last serving weights (on-all-down: keep-last). */
  KEPT_LAST,
  /** Failed its health check: weight 0. */
  DOWN,
  /** Not probed to a verdict yet: weight 0. */
  UNKNOWN,
  /** Paused by an operator: weight 0. */
  PAUSED,
  /** Disabled by an operator (or in the config): weight 0, flows flushed. */
  DISABLED,
  /** Gone from the config: weight 0, flows flushed. */
  REMOVED,
  /**
   * Failed its health check while maglevd suspects its own probes (self-suspicion): it keeps the
   * weight it had when up.
   */
  FROZEN,
  /**
   * Failed its health check, but removing it would exceed the frontend's removal budget (max-drain
   * within max-drain-window): it keeps the weight it served with until the window allows it or an
   * operator releases it.
   */
  HELD,
  /**
   * Came up (or was resumed or enabled) and is ramping to its pool weight (slow start): it carries
   * the ramp's current step, below its pool weight.
   */
  SLOW_START;

  private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

  /**
   * "configured", "standby", "panic", "kept-last", "down", "unknown", "paused", "frozen", "held"...
   */
  public String label() {
    return label;
  }
}
