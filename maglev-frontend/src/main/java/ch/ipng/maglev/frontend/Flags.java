package ch.ipng.maglev.frontend;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Flag values that picocli hands over as text, checked with a message naming the flag. */
final class Flags {
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

  private Flags() {}

  /** A positive duration in Go's form with one unit: 500ms, 10s, 2m, 1h. */
  static Duration duration(String flag, String text) {
    Matcher m = DURATION.matcher(text.strip());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d =
          switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
          };
      if (d.isPositive()) {
        return d;
      }
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
