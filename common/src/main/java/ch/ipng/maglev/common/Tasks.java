package ch.ipng.maglev.common;

import static java.util.Objects.requireNonNull;

import java.util.function.Consumer;
import org.slf4j.Logger;

/** Helpers for the periodic tasks of background loops. */
public final class Tasks {
  private Tasks() {}

  /**
   * Wraps {@code task} so that a {@link RuntimeException} it throws is logged at WARN, as {@code
   * "<what>-failed"} with the exception (key {@code error}), instead of ending its schedule: a
   * {@code ScheduledExecutorService} silently cancels a periodic task whose run throws.
   */
  public static Runnable surviving(Logger logger, String what, Runnable task) {
    requireNonNull(logger, "logger");
    requireNonNull(what, "what");
    return surviving(
        task,
        e ->
            logger
                .atWarn()
                .setMessage(what + "-failed")
                .addKeyValue("error", e.toString())
                .setCause(e)
                .log());
  }

  /**
   * Wraps {@code task} so that a {@link RuntimeException} it throws goes to {@code onFailure}
   * instead of ending its schedule. An {@link Error} still ends it, and a {@link
   * VirtualMachineError} (out of memory, stack overflow) ends the process through {@link
   * FailFast#check} when a handler is installed: an executor would otherwise keep it in a future
   * nobody reads, and the daemon would limp on without the loop.
   */
  public static Runnable surviving(Runnable task, Consumer<? super RuntimeException> onFailure) {
    requireNonNull(task, "task");
    requireNonNull(onFailure, "onFailure");
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        onFailure.accept(e);
      } catch (VirtualMachineError e) {
        FailFast.check(e);
        throw e;
      }
    };
  }
}
