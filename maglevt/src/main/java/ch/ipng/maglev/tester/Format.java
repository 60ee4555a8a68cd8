package ch.ipng.maglev.tester;

import java.time.Duration;
import java.util.Locale;

/** How numbers are written on the screen. */
final class Format {
  private Format() {}

  /** At most 6 characters: "0.42ms", "12.3ms", "123ms", "1.20s", "12.3s"; "-" for none. */
  static String latency(long nanos) {
    if (nanos < 0) {
      return "-";
    }
    double ms = nanos / 1e6;
    if (ms < 10) {
      return String.format(Locale.ROOT, "%.2fms", ms);
    }
    if (ms < 100) {
      return String.format(Locale.ROOT, "%.1fms", ms);
    }
    if (ms < 1000) {
      return String.format(Locale.ROOT, "%.0fms", ms);
    }
    double s = ms / 1000;
    return s < 10 ? String.format(Locale.ROOT, "%.2fs", s) : String.format(Locale.ROOT, "%.1fs", s);
  }

  /** "100.0", "99.9", "-" before the first probe. */
  static String pct(double p) {
    return Double.isNaN(p) ? "-" : String.format(Locale.ROOT, "%.1f", p);
  }

  /** Go's style: "100ms", "2s", "1m30s". */
  static String duration(Duration d) {
    return ch.ipng.maglev.common.GoDuration.format(d);
  }
}
