package ch.ipng.maglev.common;

/** Input repeated in messages and logs, cut to a readable length. */
public final class Text {
  private Text() {}

  /**
   * {@code s} itself when it has at most {@code max} characters; otherwise its first {@code max}
   * characters (one fewer when the last would be the first half of a surrogate pair, so no
   * character is split), then "… (N characters)" with the length of {@code s}.
   *
   * @throws IllegalArgumentException when {@code max} is below 1
   */
  public static String cut(String s, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max " + max + " (expected: at least 1)");
    }
    if (s.length() <= max) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return s.substring(0, end) + "… (" + s.length() + " characters)";
  }
}
