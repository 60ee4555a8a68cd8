package ch.ipng.maglev.tester;

import java.util.Locale;
import java.util.Map;

/** A JSON object written field by field, on one line. */
final class Json {
  private final StringBuilder b = new StringBuilder(256).append('{');
  private boolean first = true;

  private Json key(String k) {
    if (!first) {
      b.append(',');
    }
    first = false;
    quote(k);
    b.append(':');
    return this;
  }

  Json put(String k, String v) {
    key(k).quote(v);
    return this;
  }

  Json put(String k, long v) {
    key(k).b.append(v);
    return this;
  }

  Json put(String k, boolean v) {
    key(k).b.append(v);
    return this;
  }

  /** A number with three decimals; null when it is NaN or negative (none). */
  Json decimal(String k, double v) {
    key(k);
    if (Double.isNaN(v) || v < 0) {
      b.append("null");
    } else {
      b.append(String.format(Locale.ROOT, "%.3f", v));
    }
    return this;
  }

  /** Milliseconds of {@code nanos}; null when it is negative (none). */
  Json millis(String k, long nanos) {
    return decimal(k, nanos < 0 ? -1 : nanos / 1e6);
  }

  Json counts(String k, Map<String, Long> m) {
    key(k).b.append('{');
    boolean f = true;
    for (Map.Entry<String, Long> e : m.entrySet()) {
      if (!f) {
        b.append(',');
      }
      f = false;
      quote(e.getKey());
      b.append(':').append(e.getValue());
    }
    b.append('}');
    return this;
  }

  private Json quote(String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
    return this;
  }

  @Override
  public String toString() {
    return b + "}";
  }
}
