package ch.ipng.maglev.config;

import java.util.Locale;

/** {@code on-all-down}: what a frontend does when none of its backends is up. */
public enum OnAllDown {
  /** Every weight goes to 0 (the original's behaviour, the default). */
  DRAIN,
  /** The backends that were serving keep their weights until one comes back up. */
  KEEP_LAST;

  /** "drain" or "keep-last", as written in the config. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
