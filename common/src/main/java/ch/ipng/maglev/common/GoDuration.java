package ch.ipng.maglev.common;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/** Go's duration syntax ("2s", "1m30s", "250ms", "1.5h"), as the original's YAML uses. */
public final class GoDuration {
  /** The most characters of the input an error message repeats. */
  private static final int MAX_ECHO = 80;

  private static final Map<String, Long> UNIT_NANOS =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "µs", 1_000L,
          "μs", 1_000L,
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  private GoDuration() {}

  /**
   * Parses a Go duration string.
   *
   * @throws IllegalArgumentException naming the input and the expected form
   */
  public static Duration parse(String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      throw invalid(text);
    }
    boolean negative = false;
    int i = 0;
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      negative = s.charAt(0) == '-';
      i = 1;
    }
    if (s.substring(i).equals("0")) {
      return Duration.ZERO;
    }
    if (i == s.length()) {
      throw invalid(text);
    }
    BigDecimal totalNanos = BigDecimal.ZERO;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String number = s.substring(start, i);
      if (number.isEmpty()
          || number.equals(".")
          || number.chars().filter(c -> c == '.').count() > 1) {
        throw invalid(text);
      }
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      Long nanos = UNIT_NANOS.get(s.substring(unitStart, i));
      if (nanos == null) {
        throw invalid(text);
      }
      totalNanos = totalNanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(nanos)));
    }
    if (totalNanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException(
          "duration \"" + Text.cut(text, MAX_ECHO) + "\" is too large");
    }
    long n = totalNanos.longValue();
    return Duration.ofNanos(negative ? -n : n);
  }

  /** Formats a duration the way Go prints it ("1m30s", "250ms", "0s"). */
  public static String format(Duration d) {
    long n = d.toNanos();
    if (n == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (n < 0) {
      sb.append('-');
      n = -n;
    }
    if (n < 1_000_000_000L) {
      if (n % 1_000_000L == 0) {
        return sb.append(n / 1_000_000L).append("ms").toString();
      }
      if (n % 1_000L == 0) {
        return sb.append(n / 1_000L).append("µs").toString();
      }
      return sb.append(n).append("ns").toString();
    }
    long h = n / 3_600_000_000_000L;
    long m = (n / 60_000_000_000L) % 60;
    long rest = n % 60_000_000_000L;
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      sb.append(m).append('m');
    }
    BigDecimal secs = BigDecimal.valueOf(rest, 9).stripTrailingZeros();
    sb.append(secs.scale() < 0 ? secs.setScale(0).toPlainString() : secs.toPlainString());
    return sb.append('s').toString();
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "invalid duration \""
            + Text.cut(text, MAX_ECHO)
            + "\" (expected: a Go duration such as 500ms, 2s or 1m30s)");
  }
}
