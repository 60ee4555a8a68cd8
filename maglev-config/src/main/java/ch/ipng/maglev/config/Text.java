package ch.ipng.maglev.config;

/** Input echoed in error messages, cut to a readable length. */
final class Text {
  /** The most characters of a value or key an error message repeats. */
  static final int MAX_ECHO = 80;

  private Text() {}

  /** {@code s} itself, or its first {@link #MAX_ECHO} characters and "…" with its length. */
  static String shorten(String s) {
    return ch.ipng.maglev.common.Text.cut(s, MAX_ECHO);
  }
}
