package ch.ipng.maglev.common;

import java.util.Locale;

/** The four log levels operators choose from: debug, info, warn, error. */
public final class Levels {
  private Levels() {}

  /**
   * 0 debug, 1 info, 2 warn, 3 error.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static int severity(String level) {
    return switch (level.toLowerCase(Locale.ROOT)) {
      case "debug", "trace" -> 0;
      case "info", "" -> 1;
      case "warn", "warning" -> 2;
      case "error" -> 3;
      default ->
          throw new IllegalArgumentException(
              "log level \"" + level + "\" (expected: debug, info, warn or error)");
    };
  }
}
