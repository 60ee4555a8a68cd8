package ch.ipng.maglev.daemon.log;

import ch.ipng.maglev.common.logging.FatalErrorHook;
import ch.ipng.maglev.common.logging.JsonLineEncoder;
import ch.ipng.maglev.common.logging.RepeatLimit;
import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.events.MaglevEvent;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Wires logging for the daemon: the console prints at --log-level, and every record a WatchEvents
 * subscriber asks for (at its own level, which may be lower) is fanned out to the event bus. A
 * turbo filter keeps records nobody wants from being built at all; before it, {@link
 * FatalErrorHook} ends the process on a logged VirtualMachineError and {@link RepeatLimit} bounds
 * repeated library and client-error lines.
 */
public final class LogFanout {
  private LogFanout() {}

  /**
   * Installs the fan-out and sets the console threshold.
   *
   * @param consoleLevel "debug", "info", "warn" or "error"
   */
  public static void install(EventBus bus, String consoleLevel) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Level console = Level.toLevel(consoleLevel.toUpperCase(Locale.ROOT), Level.INFO);
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.iteratorForAppenders()
        .forEachRemaining(
            a -> {
              a.clearAllFilters();
              a.addFilter(threshold(console));
            });
    ctx.getLogger("ch.ipng.maglev").setLevel(Level.DEBUG);
    ctx.resetTurboFilterList();
    // first: a library that logs a VirtualMachineError it caught ends the process (FailFast)
    ctx.addTurboFilter(FatalErrorHook.create());
    ctx.addTurboFilter(RepeatLimit.create());
    ctx.addTurboFilter(new Gate(bus, console));
    Appender appender = new Appender(bus);
    appender.setContext(ctx);
    appender.setName("watch-events");
    appender.start();
    root.addAppender(appender);
  }

  private static Filter<ILoggingEvent> threshold(Level level) {
    Filter<ILoggingEvent> f =
        new Filter<>() {
          @Override
          public FilterReply decide(ILoggingEvent event) {
            return event.getLevel().isGreaterOrEqual(level)
                ? FilterReply.NEUTRAL
                : FilterReply.DENY;
          }
        };
    f.start();
    return f;
  }

  static int severity(Level level) {
    int l = level.toInt();
    return l <= Level.DEBUG_INT ? 0 : l <= Level.INFO_INT ? 1 : l <= Level.WARN_INT ? 2 : 3;
  }

  /** Lets a record through only if the console or some subscriber wants it. */
  private static final class Gate extends TurboFilter {
    private final EventBus bus;
    private final Level console;

    Gate(EventBus bus, Level console) {
      this.bus = bus;
      this.console = console;
    }

    @Override
    public FilterReply decide(
        @Nullable Marker marker,
        Logger logger,
        Level level,
        @Nullable String format,
        Object @Nullable [] params,
        @Nullable Throwable t) {
      if (level == null || level.isGreaterOrEqual(console)) {
        return FilterReply.NEUTRAL;
      }
      return bus.wantsLog(severity(level)) ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
  }

  /** Publishes records to the bus as LogRecord events. */
  private static final class Appender extends AppenderBase<ILoggingEvent> {
    private final EventBus bus;

    Appender(EventBus bus) {
      this.bus = bus;
    }

    @Override
    protected void append(ILoggingEvent event) {
      int sev = severity(event.getLevel());
      if (!bus.wantsLog(sev)) {
        return;
      }
      bus.publish(
          new MaglevEvent.LogRecord(
              Instant.ofEpochMilli(event.getTimeStamp()),
              JsonLineEncoder.levelName(event.getLevel()).toLowerCase(Locale.ROOT),
              event.getFormattedMessage(),
              JsonLineEncoder.attributes(event)));
    }
  }
}
