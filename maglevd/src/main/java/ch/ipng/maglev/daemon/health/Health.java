package ch.ipng.maglev.daemon.health;

import java.time.Duration;

/**
 * The rise/fall health of one backend (HAProxy's model): a counter in [0, rise+fall-1], up when
 * counter ≥ rise. Immutable; every operation returns the next value.
 *
 * @param counter the rise/fall counter
 * @param rise consecutive passes to come up from fully down
 * @param fall consecutive failures to go down from barely up
 */
public record Health(BackendState state, int counter, int rise, int fall) {

  public Health {
    if (rise < 1 || fall < 1) {
      throw new IllegalArgumentException(
          "rise: " + rise + ", fall: " + fall + " (expected: both >= 1)");
    }
    if (counter < 0 || counter > rise + fall - 1) {
      throw new IllegalArgumentException(
          "counter: " + counter + " (expected: 0-" + (rise + fall - 1) + ")");
    }
  }

  /** A new backend: unknown with the expedited counter, or disabled if the config says so. */
  public static Health initial(int rise, int fall, boolean enabled) {
    return enabled
        ? new Health(BackendState.UNKNOWN, rise - 1, rise, fall)
        : new Health(BackendState.DISABLED, rise - 1, rise, fall);
  }

  /** The top of the counter: fully up. */
  public int max() {
    return rise + fall - 1;
  }

  /**
   * Records one probe result. While unknown, one pass (from the pre-loaded counter rise-1) brings
   * the backend up and any failure takes it down at once.
   *
   * @throws IllegalStateException in paused, disabled and removed, where results are rejected
   */
  public Health record(boolean pass) {
    if (!state.probing()) {
      throw new IllegalStateException("probe result rejected in state " + state.label());
    }
    if (state == BackendState.UNKNOWN && !pass) {
      return new Health(BackendState.DOWN, 0, rise, fall);
    }
    int next = pass ? Math.min(counter + 1, max()) : Math.max(counter - 1, 0);
    BackendState to;
    if (next >= rise) {
      to = BackendState.UP;
    } else {
      to = state == BackendState.UNKNOWN ? BackendState.UNKNOWN : BackendState.DOWN;
    }
    return new Health(to, next, rise, fall);
  }

  /**
   * Stops probing.
   *
   * @throws IllegalStateException if disabled or removed
   */
  public Health pause() {
    requireNot(BackendState.DISABLED, "pause");
    requireNot(BackendState.REMOVED, "pause");
    return new Health(BackendState.PAUSED, counter, rise, fall);
  }

  /**
   * Restarts probing of a paused backend in unknown; a no-op for a probing one.
   *
   * @throws IllegalStateException if disabled or removed
   */
  public Health resume() {
    requireNot(BackendState.DISABLED, "resume");
    requireNot(BackendState.REMOVED, "resume");
    return state == BackendState.PAUSED ? restarted() : this;
  }

  /**
   * Disables the backend.
   *
   * @throws IllegalStateException if removed
   */
  public Health disable() {
    requireNot(BackendState.REMOVED, "disable");
    return new Health(BackendState.DISABLED, counter, rise, fall);
  }

  /**
   * Re-enables a disabled backend in unknown; a no-op otherwise.
   *
   * @throws IllegalStateException if removed
   */
  public Health enable() {
    requireNot(BackendState.REMOVED, "enable");
    return state == BackendState.DISABLED ? restarted() : this;
  }

  /** Gone from the config. */
  public Health remove() {
    return new Health(BackendState.REMOVED, counter, rise, fall);
  }

  /** Unknown with the expedited counter, keeping rise and fall. */
  public Health restarted() {
    return new Health(BackendState.UNKNOWN, rise - 1, rise, fall);
  }

  /**
   * The probe interval before jitter: {@code interval} when fully up, {@code downInterval} when
   * fully down, {@code fastInterval} in between and while unknown.
   */
  public Duration nextInterval(Duration interval, Duration fastInterval, Duration downInterval) {
    if (counter == max() && state == BackendState.UP) {
      return interval;
    }
    if (counter == 0 && state == BackendState.DOWN) {
      return downInterval;
    }
    return fastInterval;
  }

  private void requireNot(BackendState s, String action) {
    if (state == s) {
      throw new IllegalStateException("cannot " + action + " a " + s.label() + " backend");
    }
  }
}
