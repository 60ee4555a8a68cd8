package ch.ipng.maglev.common;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Ends a daemon that hit a {@link VirtualMachineError} (OutOfMemoryError, StackOverflowError,
 * InternalError) in any thread: one JSON log line ({@code "msg":"fatal-error"}) on stdout, then
 * {@link Runtime#halt} with {@link #EXIT_STATUS}, so a supervisor restarts a fresh process instead
 * of the old one limping on with a dead thread or a full heap. Installed as the default uncaught
 * exception handler; code that catches throwables itself ({@link Tasks}, the logging hook for
 * library threads that log what they catch) hands them to {@link #check}.
 *
 * <p>The line is written directly, not through the logging framework (which may hold locks or be
 * what failed), after releasing a small reserve of heap kept for this moment.
 */
public final class FailFast implements Thread.UncaughtExceptionHandler {
  /** The exit status after a fatal error (sysexits' EX_SOFTWARE). */
  public static final int EXIT_STATUS = 70;

  private static final int STACK_FRAMES = 8;
  private static final int RESERVE_BYTES = 256 * 1024;
  private static volatile @Nullable FailFast installed;

  private final PrintStream out;
  private final IntConsumer halt;
  private final Clock clock;
  private final AtomicBoolean dying = new AtomicBoolean();

  @SuppressWarnings("unused") // held only to be released before writing the last line
  private volatile byte @Nullable [] reserve = new byte[RESERVE_BYTES];

  private FailFast(PrintStream out, IntConsumer halt, Clock clock) {
    this.out = requireNonNull(out, "out");
    this.halt = requireNonNull(halt, "halt");
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * A handler writing to {@code out} and ending with {@code halt}; {@link #install()} uses stdout
   * and {@link Runtime#halt}, tests a buffer and a recorder.
   */
  public static FailFast of(PrintStream out, IntConsumer halt, Clock clock) {
    return new FailFast(out, halt, clock);
  }

  /**
   * Makes a handler on stdout that halts the JVM the default uncaught exception handler and the one
   * {@link #check} reports to.
   */
  public static FailFast install() {
    return install(of(System.out, s -> Runtime.getRuntime().halt(s), Clock.systemUTC()));
  }

  /** Makes {@code f} the default uncaught exception handler and the one {@link #check} uses. */
  public static FailFast install(FailFast f) {
    installed = requireNonNull(f, "f");
    Thread.setDefaultUncaughtExceptionHandler(f);
    return f;
  }

  /** Whether {@code t} or one of its causes is a {@link VirtualMachineError}. */
  public static boolean isFatal(@Nullable Throwable t) {
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (t instanceof VirtualMachineError) {
        return true;
      }
    }
    return false;
  }

  /**
   * Ends the process through the installed handler if {@code t} is fatal ({@link #isFatal});
   * returns otherwise, also when no handler is installed (tests, tools).
   */
  public static void check(@Nullable Throwable t) {
    FailFast f = installed;
    if (f != null && t != null && isFatal(t)) {
      f.die(Thread.currentThread(), t);
    }
  }

  @Override
  public void uncaughtException(Thread thread, Throwable e) {
    if (isFatal(e)) {
      die(thread, e);
      return;
    }
    try {
      LoggerFactory.getLogger(FailFast.class)
          .atError()
          .setMessage("uncaught-exception")
          .addKeyValue("thread", thread.getName())
          .addKeyValue("error", e.toString())
          .setCause(e)
          .log();
    } catch (RuntimeException | LinkageError ignored) {
      e.printStackTrace(); // no logging framework: what the JVM would have done
    }
  }

  /** Writes the one line (the first fatal error only) and halts; halts again on later calls. */
  void die(Thread thread, Throwable e) {
    try {
      reserve = null;
      if (dying.compareAndSet(false, true)) {
        String line = line(thread, e);
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (Throwable ignored) {
      // nothing may keep the halt below from running: the line is lost, the exit status tells
    } finally {
      halt.accept(EXIT_STATUS);
    }
  }

  private String line(Thread thread, Throwable e) {
    Throwable fatal = e;
    while (!(fatal instanceof VirtualMachineError) && fatal.getCause() != null) {
      fatal = fatal.getCause();
    }
    StringBuilder error = new StringBuilder(fatal.toString());
    StackTraceElement[] frames = fatal.getStackTrace();
    for (int i = 0; i < Math.min(STACK_FRAMES, frames.length); i++) {
      error.append(i == 0 ? " at " : " < ").append(frames[i]);
    }
    if (frames.length > STACK_FRAMES) {
      error.append(" < … (").append(frames.length).append(" frames)");
    }
    StringBuilder sb = new StringBuilder(512);
    sb.append("{\"time\":");
    json(sb, clock.instant().toString());
    sb.append(",\"level\":\"ERROR\",\"msg\":\"fatal-error\",\"thread\":");
    json(sb, thread.getName());
    sb.append(",\"error\":");
    json(sb, error.toString());
    sb.append(",\"exit_status\":\"").append(EXIT_STATUS).append("\"}\n");
    return sb.toString();
  }

  private static void json(StringBuilder sb, String s) {
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
