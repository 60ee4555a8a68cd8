package ch.ipng.maglev.cli;

import java.time.Duration;

/** Short human durations: "now", "45s", "10m30s", "1h12m", "1d16h" (two largest units). */
final class Durations {
  private Durations() {}

  static String age(long sinceEpochNanos, long nowEpochNanos) {
    if (sinceEpochNanos <= 0) {
      return "-";
    }
    return human(Duration.ofNanos(Math.max(0, nowEpochNanos - sinceEpochNanos)));
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 1) {
      return "now";
    }
    long days = s / 86400;
    long h = (s % 86400) / 3600;
    long m = (s % 3600) / 60;
    long sec = s % 60;
    if (days > 0) {
      return days + "d" + (h > 0 ? h + "h" : "");
    }
    if (h > 0) {
      return h + "h" + (m > 0 ? m + "m" : "");
    }
    if (m > 0) {
      return m + "m" + (sec > 0 ? sec + "s" : "");
    }
    return sec + "s";
  }

  /** A protobuf duration in nanoseconds as Go prints it: "2s", "500ms". */
  static String go(long nanos) {
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + "ms";
    }
    return nanos / 1000 + "µs";
  }

  static String millis(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1fms", nanos / 1e6);
  }
}
