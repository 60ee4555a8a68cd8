package ch.ipng.maglev.config;

import java.util.ArrayList;
import java.util.List;

/** A set of HTTP status codes written as a list of codes and ranges: "200,204,300-302". */
public record ResponseCodes(List<Range> ranges, String text) {
  /** An inclusive range of status codes. */
  public record Range(int low, int high) {}

  public static final ResponseCodes DEFAULT = parse("200-399");

  public ResponseCodes {
    ranges = List.copyOf(ranges);
  }

  /**
   * Parses "200", "200-399" or "200,204,300-302".
   *
   * @throws IllegalArgumentException naming the input and the expected form
   */
  public static ResponseCodes parse(String text) {
    List<Range> ranges = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String p = part.trim();
      String[] bounds = p.split("-", -1);
      if (bounds.length > 2 || p.isEmpty()) {
        throw invalid(text);
      }
      int low = code(bounds[0], text);
      int high = bounds.length == 2 ? code(bounds[1], text) : low;
      if (high < low) {
        throw invalid(text);
      }
      ranges.add(new Range(low, high));
    }
    return new ResponseCodes(ranges, text.replace(" ", ""));
  }

  public boolean matches(int status) {
    for (Range r : ranges) {
      if (status >= r.low && status <= r.high) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return text;
  }

  private static int code(String s, String text) {
    try {
      int c = Integer.parseInt(s.trim());
      if (c < 100 || c > 599) {
        throw invalid(text);
      }
      return c;
    } catch (NumberFormatException e) {
      throw invalid(text);
    }
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "invalid response codes \""
            + text
            + "\" (expected: codes 100-599 and ranges, e.g. 200,204,300-302)");
  }
}
