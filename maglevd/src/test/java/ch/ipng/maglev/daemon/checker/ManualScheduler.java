package ch.ipng.maglev.daemon.checker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A scheduler on virtual time: tasks run only when the test calls {@link #advance}, on the test's
 * thread, in the order they fall due (ties in the order they were scheduled). Its clock ({@link
 * #nanoTime}) stands in for {@link System#nanoTime}. Only what a probe loop uses is implemented:
 * {@link #schedule(Runnable, long, TimeUnit)} and cancelling its future; everything else throws
 * {@link UnsupportedOperationException}.
 */
public final class ManualScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {
  private final List<Task> tasks = new ArrayList<>();
  private long nowNanos;
  private long sequence;

  /** A scheduler whose clock starts at {@code startNanos}. */
  public ManualScheduler(long startNanos) {
    this.nowNanos = startNanos;
  }

  /** The virtual time, in nanoseconds. */
  synchronized long nanoTime() {
    return nowNanos;
  }

  /** The virtual clock, for code that reads {@link System#nanoTime}. */
  LongSupplier clock() {
    return this::nanoTime;
  }

  /**
   * Moves the clock forward by {@code d}, running every task due by then at its due time, in time
   * order; tasks those tasks schedule run too if they fall due in the window. A zero {@code d} runs
   * what is due now.
   */
  public void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("d: " + d + " (expected: >= 0)");
    }
    long target;
    synchronized (this) {
      target = nowNanos + d.toNanos();
    }
    for (Optional<Task> t = takeDueBy(target); t.isPresent(); t = takeDueBy(target)) {
      t.get().run();
    }
    synchronized (this) {
      nowNanos = target;
    }
  }

  /**
   * Moves the clock forward by {@code d} without running anything, as when the loop's thread is
   * busy: what falls due meanwhile runs late, at the next {@link #advance}.
   */
  synchronized void stall(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("d: " + d + " (expected: >= 0)");
    }
    nowNanos += d.toNanos();
  }

  /** The delay until each task that will still run, soonest first. */
  synchronized List<Duration> pending() {
    return tasks.stream()
        .sorted(Task.ORDER)
        .map(t -> Duration.ofNanos(t.dueNanos - nowNanos))
        .toList();
  }

  /** Removes the next task due by {@code target} and sets the clock to its due time. */
  private synchronized Optional<Task> takeDueBy(long target) {
    Optional<Task> next = tasks.stream().min(Task.ORDER).filter(t -> t.dueNanos <= target);
    next.ifPresent(
        t -> {
          tasks.remove(t);
          nowNanos = Math.max(nowNanos, t.dueNanos); // a late task runs at the current time
        });
    return next;
  }

  @Override
  public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Task t = new Task(command, nowNanos + Math.max(0, unit.toNanos(delay)), sequence++);
    tasks.add(t);
    return t;
  }

  private synchronized boolean cancel(Task t) {
    return tasks.remove(t);
  }

  /** A scheduled task and its future. */
  private final class Task implements ScheduledFuture<Object>, Runnable {
    static final Comparator<Task> ORDER =
        Comparator.<Task>comparingLong(t -> t.dueNanos).thenComparingLong(t -> t.sequence);

    final Runnable command;
    final long dueNanos;
    final long sequence;
    private boolean cancelled;
    private boolean done;

    Task(Runnable command, long dueNanos, long sequence) {
      this.command = command;
      this.dueNanos = dueNanos;
      this.sequence = sequence;
    }

    @Override
    public void run() {
      try {
        command.run();
      } finally {
        synchronized (ManualScheduler.this) {
          done = true;
        }
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      synchronized (ManualScheduler.this) {
        if (done || cancelled) {
          return false;
        }
        cancelled = ManualScheduler.this.cancel(this);
        done = cancelled;
        return cancelled;
      }
    }

    @Override
    public boolean isCancelled() {
      synchronized (ManualScheduler.this) {
        return cancelled;
      }
    }

    @Override
    public boolean isDone() {
      synchronized (ManualScheduler.this) {
        return done;
      }
    }

    @Override
    public Object get() {
      synchronized (ManualScheduler.this) {
        if (cancelled) {
          throw new CancellationException();
        }
        if (!done) {
          throw new IllegalStateException("not run yet: advance the scheduler");
        }
        return null;
      }
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return get();
    }
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void execute(Runnable command) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void shutdown() {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<Runnable> shutdownNow() {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean isShutdown() {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean isTerminated() {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }
}
