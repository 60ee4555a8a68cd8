package ch.ipng.maglev.daemon.health;

import java.util.Locale;

/** The states of a backend, spelled as operators see them. */
public enum BackendState {
  /** Initial, and after resume or enable: not yet known. */
  UNKNOWN,
  /** Healthy: eligible for traffic. */
  UP,
  /** Failed enough consecutive probes. */
  DOWN,
  /** The operator stopped health checking; no probes are sent. */
  PAUSED,
  /** The operator disabled the backend; no probes, flows flushed. */
  DISABLED,
  /** Gone from the config on reload; no probes. */
  REMOVED;

  private final String label = name().toLowerCase(Locale.ROOT);

  /** "unknown", "up", "down", "paused", "disabled" or "removed". */
  public String label() {
    return label;
  }

  /** Whether probes run in this state. */
  public boolean probing() {
    return this == UNKNOWN || this == UP || this == DOWN;
  }
}
