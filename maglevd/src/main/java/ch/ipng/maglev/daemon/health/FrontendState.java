package ch.ipng.maglev.daemon.health;

import java.util.Locale;

/** The aggregate state of a frontend. */
public enum FrontendState {
  /** Every backend is unknown. */
  UNKNOWN,
  /** Some backend carries a non-zero effective weight. */
  UP,
  /** Nothing carries traffic. */
  DOWN;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
