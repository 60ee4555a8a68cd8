package ch.ipng.maglev.tester;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Each target's probe loop on its event loop: a probe is due {@code --interval} ±10 % after the
 * previous one was due, or when the previous one finished if that is later (a VIP is never probed
 * twice at once; see {@link #nextDue} for a probe that finished a whole interval late). While
 * paused the loop keeps its cadence and sends nothing. Lateness, how long after it could start a
 * probe started (after it was due, or after the previous answer when that came later: a slow answer
 * is the VIP's latency, not the scheduler's), is kept as a histogram for the run's summary.
 */
public final class Scheduler {
  /** The lateness histogram's resolution and range: 0.1 ms buckets up to 1 s. */
  private static final long BUCKET_NANOS = 100_000L;

  private static final int BUCKETS = 10_000;

  private final Prober prober;
  private final int count;
  private final long intervalNanos;
  private final Consumer<Sample> sink;
  private final BooleanSupplier paused;
  private final int rounds;
  private final AtomicLongArray late = new AtomicLongArray(BUCKETS + 1);
  private final CountDownLatch done;
  private volatile boolean stopped;

  /**
   * @param rounds probes per target before its loop ends; 0 for no end
   */
  public Scheduler(
      Prober prober,
      int count,
      Duration interval,
      int rounds,
      BooleanSupplier paused,
      Consumer<Sample> sink) {
    this.prober = prober;
    this.count = count;
    this.intervalNanos = interval.toNanos();
    this.rounds = rounds;
    this.paused = paused;
    this.sink = sink;
    this.done = new CountDownLatch(count);
  }

  /** {@code interval} scaled by {@code 0.9 + 0.2 * r} for {@code r} in [0, 1): ±10 % jitter. */
  public static long jittered(long intervalNanos, double r) {
    return Math.round(intervalNanos * (0.9 + 0.2 * r));
  }

  /**
   * When the next probe is due: the previous due time plus a jittered interval. A probe that
   * finished after that has the next start at once, still on that grid, so a short delay (a slow
   * answer, a busy moment) costs no probe; one that finished a whole interval or more after it
   * starts the grid over from now, so the slots a long probe spanned (a timeout) are skipped, never
   * sent in a burst.
   */
  public static long nextDue(
      long previousDue, long jitteredInterval, long now, long intervalNanos) {
    long due = previousDue + jitteredInterval;
    return now - due >= intervalNanos ? now : due;
  }

  /**
   * From when a probe's lateness counts: when it was due, or when the loop became ready for it (the
   * previous answer) if that was later.
   */
  public static long lateFrom(long due, long ready) {
    return Math.max(due, ready);
  }

  /** Starts every loop, spread over the first interval. */
  public void start() {
    long now = System.nanoTime();
    for (int i = 0; i < count; i++) {
      EventLoop loop = prober.loop();
      long offset =
          rounds == 1 ? 0 : (long) (ThreadLocalRandom.current().nextDouble() * intervalNanos);
      new Loop(i, loop).at(now + offset, 0);
    }
  }

  /** Stops scheduling; probes in flight still finish and reach the sink. */
  public void stop() {
    stopped = true;
  }

  /** Waits until every loop has ended (after {@link #stop} or its rounds). */
  public boolean await(Duration max) throws InterruptedException {
    return done.await(max.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Lateness percentile in nanoseconds (0.1 ms resolution, capped at 1 s); 0 before any probe. */
  public long latenessPercentile(double p) {
    long total = 0;
    for (int i = 0; i <= BUCKETS; i++) {
      total += late.get(i);
    }
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(p / 100.0 * total);
    long seen = 0;
    for (int i = 0; i <= BUCKETS; i++) {
      seen += late.get(i);
      if (seen >= rank) {
        return (i + 1) * BUCKET_NANOS;
      }
    }
    return BUCKETS * BUCKET_NANOS;
  }

  private final class Loop {
    final int index;
    final EventLoop loop;
    int sent;

    Loop(int index, EventLoop loop) {
      this.index = index;
      this.loop = loop;
    }

    /**
     * Schedules the probe due at {@code due}; {@code now} is when the loop became ready for it (the
     * previous answer, or 0 at start), so lateness counts from the later of the two: a slow answer
     * is the VIP's latency, not the scheduler's lateness.
     */
    void at(long due, long now) {
      if (stopped || (rounds > 0 && sent >= rounds)) {
        done.countDown();
        return;
      }
      long ready = now == 0 ? System.nanoTime() : now;
      long delay = Math.max(0, due - ready);
      long from = lateFrom(due, ready);
      try {
        loop.schedule(() -> fire(due, from), delay, TimeUnit.NANOSECONDS);
      } catch (RuntimeException e) {
        done.countDown(); // the loops are shutting down
      }
    }

    void fire(long due, long from) {
      if (stopped) {
        done.countDown();
        return;
      }
      long start = System.nanoTime();
      late.incrementAndGet((int) Math.min(BUCKETS, Math.max(0, start - from) / BUCKET_NANOS));
      long jitter = jittered(intervalNanos, ThreadLocalRandom.current().nextDouble());
      if (paused.getAsBoolean()) {
        at(due + jitter, start);
        return;
      }
      sent++;
      prober
          .probe(index, loop)
          .whenComplete(
              (s, e) -> {
                try {
                  if (s != null) {
                    sink.accept(s);
                  }
                } finally {
                  long now = System.nanoTime();
                  at(nextDue(due, jitter, now, intervalNanos), now);
                }
              });
    }
  }
}
