package ch.ipng.maglev.daemon.override;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reverts expired overrides: every {@link #PERIOD} it asks {@link Overrides#expire}. A loop that
 * cannot die: it reschedules itself after each run whatever the run did, logs a failure with its
 * throwable and goes on; {@link #close} stops it for good.
 */
public final class ExpiryLoop implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ExpiryLoop.class);

  /** How often expiries are looked for: an override reverts at most this late. */
  public static final Duration PERIOD = Duration.ofMillis(250);

  /** The loop's life. */
  enum State {
    CREATED,
    RUNNING,
    CLOSED
  }

  private final Overrides overrides;
  private final ScheduledExecutorService scheduler;
  private final Duration period;
  private State state = State.CREATED;
  private @Nullable ScheduledFuture<?> next;

  private ExpiryLoop(Overrides overrides, ScheduledExecutorService scheduler, Duration period) {
    this.overrides = overrides;
    this.scheduler = scheduler;
    this.period = period;
  }

  /** A loop on {@code scheduler}, not yet started. */
  public static ExpiryLoop of(Overrides overrides, ScheduledExecutorService scheduler) {
    return of(overrides, scheduler, PERIOD);
  }

  static ExpiryLoop of(Overrides overrides, ScheduledExecutorService scheduler, Duration period) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period: " + period + " (expected: > 0)");
    }
    return new ExpiryLoop(
        Objects.requireNonNull(overrides, "overrides"),
        Objects.requireNonNull(scheduler, "scheduler"),
        period);
  }

  public synchronized ExpiryLoop start() {
    if (state == State.CREATED) {
      state = State.RUNNING;
      schedule();
    }
    return this;
  }

  synchronized State state() {
    return state;
  }

  private void schedule() {
    next = scheduler.schedule(this::run, period.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void run() {
    synchronized (this) {
      if (state != State.RUNNING) {
        return;
      }
    }
    try {
      overrides.expire();
    } catch (RuntimeException e) {
      logger.warn("override expiry failed; retrying in {}", period, e);
    } finally {
      synchronized (this) {
        if (state == State.RUNNING) {
          try {
            schedule();
          } catch (java.util.concurrent.RejectedExecutionException e) {
            state = State.CLOSED; // the scheduler is shutting down with maglevd
          }
        }
      }
    }
  }

  @Override
  public synchronized void close() {
    state = State.CLOSED;
    ScheduledFuture<?> n = next;
    if (n != null) {
      n.cancel(false);
    }
  }
}
