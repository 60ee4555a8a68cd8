package ch.ipng.maglev.common.logging;

import static java.util.Objects.requireNonNull;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import com.google.common.annotations.VisibleForTesting;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * Rate-limits repeated log lines a client can cause: records of libraries (loggers outside {@code
 * ch.ipng.maglev}: grpc-java, Netty) and records marked {@link #CLIENT_ERROR}. Each kind (logger,
 * level, and the message's first {@value #KIND_CHARS} characters or the throwable's class) prints
 * at most {@code perWindow} lines per window; the first record of a kind after a window in which
 * some were suppressed is preceded by one {@code log-suppressed} line with the count. At most
 * {@value #MAX_KINDS} kinds are tracked; further kinds share one budget.
 */
public final class RepeatLimit extends TurboFilter {
  /** Marks a record a client's request caused (a malformed message, a refused stream). */
  public static final Marker CLIENT_ERROR = MarkerFactory.getMarker("client-error");

  /** Lines of one kind per window by default. */
  public static final int DEFAULT_PER_WINDOW = 10;

  /** The default window. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

  static final int KIND_CHARS = 48;
  static final int MAX_KINDS = 1024;
  private static final String OTHER = "(other)";
  private static final org.slf4j.Logger logger = LoggerFactory.getLogger(RepeatLimit.class);

  private final int perWindow;
  private final long windowNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Kind> kinds = new ConcurrentHashMap<>();

  private static final class Kind {
    long start;
    int printed;
    long suppressed;

    Kind(long start) {
      this.start = start;
    }
  }

  private RepeatLimit(int perWindow, Duration window, LongSupplier nanoTime) {
    if (perWindow < 1) {
      throw new IllegalArgumentException("perWindow: " + perWindow + " (expected: >= 1)");
    }
    this.perWindow = perWindow;
    this.windowNanos = window.toNanos();
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
  }

  /** {@value #DEFAULT_PER_WINDOW} lines of a kind per minute. */
  public static RepeatLimit create() {
    return of(DEFAULT_PER_WINDOW, DEFAULT_WINDOW, System::nanoTime);
  }

  public static RepeatLimit of(int perWindow, Duration window, LongSupplier nanoTime) {
    RepeatLimit r = new RepeatLimit(perWindow, window, nanoTime);
    r.setName("repeat-limit");
    r.start();
    return r;
  }

  @Override
  public FilterReply decide(
      @Nullable Marker marker,
      Logger log,
      Level level,
      @Nullable String format,
      Object @Nullable [] params,
      @Nullable Throwable t) {
    if (format == null || level == null) {
      return FilterReply.NEUTRAL; // an isEnabled() check, not a record
    }
    boolean clientError = marker != null && marker.contains(CLIENT_ERROR);
    if (!clientError && log.getName().startsWith("ch.ipng.maglev")) {
      return FilterReply.NEUTRAL;
    }
    if (!level.isGreaterOrEqual(log.getEffectiveLevel())) {
      return FilterReply.NEUTRAL; // dropped by its level anyway: not a kind to remember
    }
    return admit(kind(log.getName(), level, format, t), log.getName(), format)
        ? FilterReply.NEUTRAL
        : FilterReply.DENY;
  }

  @VisibleForTesting
  static String kind(String logger, Level level, String format, @Nullable Throwable t) {
    String what =
        t != null
            ? t.getClass().getName()
            : format.length() <= KIND_CHARS ? format : format.substring(0, KIND_CHARS);
    return logger + "|" + level + "|" + what;
  }

  private boolean expiredQuiet(Kind k, long now) {
    synchronized (k) {
      return now - k.start >= windowNanos && k.suppressed == 0;
    }
  }

  /** Whether a record of {@code key} may print now. */
  @VisibleForTesting
  boolean admit(String key, String loggerName, String format) {
    long now = nanoTime.getAsLong();
    Kind k = kinds.get(key);
    if (k == null) {
      if (kinds.size() >= MAX_KINDS) {
        // forget kinds whose window is over with nothing suppressed, then share a budget
        kinds.values().removeIf(old -> expiredQuiet(old, now));
      }
      if (kinds.size() >= MAX_KINDS) {
        key = OTHER;
      }
      k = kinds.computeIfAbsent(key, x -> new Kind(now));
    }
    long suppressed = 0;
    boolean admit;
    synchronized (k) {
      if (now - k.start >= windowNanos) {
        suppressed = k.suppressed;
        k.start = now;
        k.printed = 0;
        k.suppressed = 0;
      }
      admit = k.printed < perWindow;
      if (admit) {
        k.printed++;
      } else {
        k.suppressed++;
      }
    }
    if (suppressed > 0) {
      logger
          .atWarn()
          .setMessage("log-suppressed")
          .addKeyValue("logger", key.equals(OTHER) ? OTHER : loggerName)
          .addKeyValue(
              "message", format.length() <= KIND_CHARS ? format : format.substring(0, KIND_CHARS))
          .addKeyValue("suppressed", suppressed)
          .addKeyValue("window_seconds", windowNanos / 1_000_000_000L)
          .log();
    }
    return admit;
  }
}
