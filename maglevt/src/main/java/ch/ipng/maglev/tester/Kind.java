package ch.ipng.maglev.tester;

import java.util.Locale;

/** How a VIP is probed. */
public enum Kind {
  HTTP,
  HTTPS,
  TCP;

  /** "http", "https", "tcp": the spelling of {@code --type} and of the JSON output. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a probe reads an HTTP response (and so a status and the tallied header). */
  public boolean http() {
    return this != TCP;
  }

  /** The kind named {@code text}, case-insensitively. */
  public static Kind parse(String text) {
    for (Kind k : values()) {
      if (k.label().equalsIgnoreCase(text.trim())) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown probe type \"" + text + "\" (expected: http, https or tcp)");
  }
}
