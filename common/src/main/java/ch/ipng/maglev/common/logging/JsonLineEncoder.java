package ch.ipng.maglev.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line, shaped like Go's slog: {@code {"time":…,"level":"INFO",
 * "msg":"backend-transition","backend":"nginx0","from":"unknown","to":"up"}}.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
  @Override
  public byte[] headerBytes() {
    return new byte[0];
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"time\":");
    string(sb, Instant.ofEpochMilli(event.getTimeStamp()).toString());
    sb.append(",\"level\":");
    string(sb, levelName(event.getLevel()));
    sb.append(",\"msg\":");
    string(sb, event.getFormattedMessage());
    for (Map.Entry<String, String> e : attributes(event).entrySet()) {
      sb.append(',');
      string(sb, e.getKey());
      sb.append(':');
      string(sb, e.getValue());
    }
    sb.append("}\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return new byte[0];
  }

  /** "DEBUG", "INFO", "WARN", "ERROR" as slog prints them. */
  public static String levelName(Level level) {
    return level.toInt() <= Level.DEBUG_INT ? "DEBUG" : level.levelStr;
  }

  /** Key/values of the record, plus "logger" for library records and "error" for throwables. */
  public static Map<String, String> attributes(ILoggingEvent event) {
    Map<String, String> attrs = new LinkedHashMap<>();
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair kv : event.getKeyValuePairs()) {
        attrs.put(kv.key, String.valueOf(kv.value));
      }
    }
    if (!event.getLoggerName().startsWith("ch.ipng.maglev")) {
      attrs.put("logger", event.getLoggerName());
    }
    IThrowableProxy t = event.getThrowableProxy();
    if (t != null) {
      attrs.put("error", ThrowableProxyUtil.asString(t));
    }
    return attrs;
  }

  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
