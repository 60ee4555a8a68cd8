package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.common.Tasks;
import ch.ipng.maglev.vpp.api.VppException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One named platform thread that runs tasks in order and cannot die: a task that throws is logged
 * and the thread (and any schedule) goes on. Closing drops what is queued.
 */
final class DataplaneThread implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(DataplaneThread.class);
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

  private final ScheduledThreadPoolExecutor executor;
  private volatile boolean closed;

  DataplaneThread(String name) {
    this.executor =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().daemon().name(name).unstarted(r));
    // closing drops delayed tasks (a connect retry) instead of waiting for them
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** Whether closing has begun: tasks still running should not start anything new. */
  boolean closed() {
    return closed;
  }

  private static Runnable surviving(String what, Runnable task) {
    return Tasks.surviving(logger, what, task);
  }

  /** Runs a task soon, unless closing. */
  void execute(String what, Runnable task) {
    if (closed) {
      return;
    }
    try {
      executor.execute(surviving(what, task));
    } catch (RejectedExecutionException e) {
      // closing: nothing runs any more
    }
  }

  void schedule(Duration delay, String what, Runnable task) {
    if (closed) {
      return;
    }
    try {
      var unused =
          executor.schedule(surviving(what, task), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** Runs a task every {@code interval}, first after one interval. */
  @Nullable ScheduledFuture<?> every(Duration interval, String what, Runnable task) {
    try {
      return executor.scheduleWithFixedDelay(
          surviving(what, task), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      return null; // closing
    }
  }

  /**
   * Runs a task on this thread and waits for its result.
   *
   * @throws DataplaneException when the thread is closing, does not answer within 60 s, or the task
   *     fails with a {@link VppException}; other runtime exceptions pass as they are
   */
  <T> T call(Callable<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              f.complete(task.call());
            } catch (Exception e) {
              f.completeExceptionally(e);
            }
          });
      return f.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (RejectedExecutionException e) {
      throw new DataplaneException("the VPP dataplane is stopping", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof VppException v) {
        throw new DataplaneException(String.valueOf(v.getMessage()), v);
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new DataplaneException(String.valueOf(cause), cause);
    } catch (TimeoutException e) {
      throw new DataplaneException(
          "the VPP dataplane did not answer within " + CALL_TIMEOUT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataplaneException("interrupted", e);
    }
  }

  /** Runs {@code last} (if not closed already), then stops, waiting up to 5 s. */
  void close(Runnable last) {
    if (!closed) {
      closed = true;
      try {
        executor.execute(last);
      } catch (RejectedExecutionException e) {
        // stopped already
      }
    }
    close();
  }

  @Override
  public void close() {
    closed = true;
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops at once, dropping what is queued and interrupting what runs. */
  void stopNow() {
    closed = true;
    executor.shutdownNow();
  }
}
