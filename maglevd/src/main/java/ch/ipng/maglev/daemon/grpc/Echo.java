package ch.ipng.maglev.daemon.grpc;

import ch.ipng.maglev.common.Text;
import java.util.regex.Pattern;

/**
 * Bounds what an error message repeats of the client's input: a name of a megabyte must come back
 * as a short NOT_FOUND, not as a megabyte that clients then report as RESOURCE_EXHAUSTED.
 */
final class Echo {
  /** Characters of an echoed value kept before "…". */
  static final int MAX_ECHO = 256;

  /** Characters of a whole status description kept before "…". */
  static final int MAX_DESCRIPTION = 1024;

  /** The end of a value {@link #of} has cut already. */
  private static final Pattern CUT = Pattern.compile("… \\(\\d+ characters\\)$");

  private Echo() {}

  /** {@code value}, or its first {@value #MAX_ECHO} characters, "…" and its length. */
  static String of(String value) {
    return Text.cut(value, MAX_ECHO);
  }

  /** {@code description} with every quoted value cut as {@link #of}, then the whole bounded. */
  static String description(String description) {
    if (description.length() <= MAX_ECHO) {
      return description;
    }
    StringBuilder sb = new StringBuilder(Math.min(description.length(), MAX_DESCRIPTION + 64));
    int i = 0;
    while (i < description.length()) {
      int open = description.indexOf('"', i);
      int close = open < 0 ? -1 : description.indexOf('"', open + 1);
      if (close < 0) {
        sb.append(description, i, description.length());
        break;
      }
      String quoted = description.substring(open + 1, close);
      sb.append(description, i, open + 1).append(CUT.matcher(quoted).find() ? quoted : of(quoted));
      sb.append('"');
      i = close + 1;
    }
    return Text.cut(sb.toString(), MAX_DESCRIPTION);
  }
}
