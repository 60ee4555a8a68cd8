package ch.ipng.maglev.common.logging;

import ch.ipng.maglev.common.FailFast;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.jspecify.annotations.Nullable;
import org.slf4j.Marker;

/**
 * Ends the process ({@link FailFast#check}) when a library's record carries a {@link
 * VirtualMachineError}: libraries that catch every throwable on their own threads (Netty's event
 * loops, grpc-java's executors) log it and carry on, which would leave the daemon limping. Records
 * of the project's own loggers ({@code ch.ipng.maglev}) are left alone: code of ours that catches
 * such an error and logs it (a config reload that overflowed its stack) has decided to survive it.
 */
public final class FatalErrorHook extends TurboFilter {
  private FatalErrorHook() {}

  public static FatalErrorHook create() {
    FatalErrorHook h = new FatalErrorHook();
    h.setName("fatal-error-hook");
    h.start();
    return h;
  }

  @Override
  public FilterReply decide(
      @Nullable Marker marker,
      Logger logger,
      Level level,
      @Nullable String format,
      Object @Nullable [] params,
      @Nullable Throwable t) {
    if (logger.getName().startsWith("ch.ipng.maglev")) {
      return FilterReply.NEUTRAL;
    }
    if (t != null) {
      FailFast.check(t);
    } else if (params != null
        && params.length > 0
        && params[params.length - 1] instanceof Throwable e) {
      FailFast.check(e);
    }
    return FilterReply.NEUTRAL;
  }
}
