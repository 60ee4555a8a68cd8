package ch.ipng.maglev.daemon.checker;

import ch.ipng.maglev.daemon.probe.ProbeCode;
import ch.ipng.maglev.daemon.probe.ProbeResult;
import ch.ipng.maglev.daemon.probe.Prober;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * A prober whose probes the test answers by hand ({@link #pass}, {@link #fail}), scheduled on a
 * {@link ManualScheduler}. Counts the probes it was asked for.
 */
final class ManualProber implements Prober {
  private final ManualScheduler scheduler;
  private final Deque<CompletableFuture<ProbeResult>> inFlight = new ArrayDeque<>();
  private int started;
  private int released;
  private @Nullable RuntimeException failure;

  ManualProber(ManualScheduler scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public CompletableFuture<ProbeResult> probe(InetAddress target) {
    started++;
    if (failure != null) {
      throw failure;
    }
    CompletableFuture<ProbeResult> f = new CompletableFuture<>();
    inFlight.addLast(f);
    return f;
  }

  @Override
  public ScheduledExecutorService executor() {
    return scheduler;
  }

  @Override
  public void release() {
    released++;
  }

  /** From now on probe() throws {@code e} instead of returning a future. */
  void throwOnProbe(RuntimeException e) {
    failure = e;
  }

  /** How many probes were started. */
  int started() {
    return started;
  }

  /** How many probes were started and not answered yet. */
  int inFlight() {
    return inFlight.size();
  }

  int released() {
    return released;
  }

  /** Answers the oldest probe in flight with a pass. */
  void pass(ProbeCode code) {
    answer(ProbeResult.pass(Instant.now(), code, "passed"));
  }

  /** Answers the oldest probe in flight with a failure. */
  void fail(ProbeCode code) {
    answer(ProbeResult.fail(Instant.now(), code, "failed"));
  }

  /** Fails the oldest probe in flight's future exceptionally (a broken prober). */
  void breakProbe(RuntimeException e) {
    next().completeExceptionally(e);
  }

  private void answer(ProbeResult r) {
    next().complete(r);
  }

  private CompletableFuture<ProbeResult> next() {
    CompletableFuture<ProbeResult> f = inFlight.pollFirst();
    if (f == null) {
      throw new IllegalStateException("no probe in flight");
    }
    return f;
  }
}
