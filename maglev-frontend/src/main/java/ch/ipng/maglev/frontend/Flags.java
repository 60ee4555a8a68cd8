package ch.ipng.maglev.frontend;

import ch.ipng.maglev.common.GoDuration;
import java.time.Duration;

/** Flag values that picocli hands over as text, checked with a message naming the flag. */
final class Flags {
  private Flags() {}

  /** A positive duration in Go's form: 500ms, 10s, 1m30s, 1h. */
  static Duration duration(String flag, String text) {
    try {
      Duration d = GoDuration.parse(text);
      if (d.isPositive()) {
        return d;
      }
    } catch (IllegalArgumentException e) {
      // explained below, naming the flag
    }
    throw new IllegalArgumentException(
        flag + ": \"" + text + "\" (expected: a duration above 0 such as 500ms, 10s, 2m or 1h)");
  }

  /** A whole number from {@code min} to {@code max}. */
  static int integer(String flag, String text, int min, int max) {
    try {
      int n = Integer.parseInt(text.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // explained below
    }
    throw new IllegalArgumentException(
        flag + ": \"" + text + "\" (expected: a whole number from " + min + " to " + max + ")");
  }
}
