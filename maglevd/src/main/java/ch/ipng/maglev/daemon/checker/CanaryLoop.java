package ch.ipng.maglev.daemon.checker;

import ch.ipng.maglev.config.Canary;
import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.config.ProbeType;
import ch.ipng.maglev.daemon.health.SelfSuspicion.CanaryRound;
import ch.ipng.maglev.daemon.health.SelfSuspicion.CanaryVerdict;
import ch.ipng.maglev.daemon.probe.ProbeResult;
import ch.ipng.maglev.daemon.probe.Prober;
import ch.ipng.maglev.daemon.probe.Probers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes the self-suspicion canaries in rounds, one every {@code interval}, with the probers the
 * backends use (so in the same namespace), and reports each round's verdict. A failure in a round
 * is logged and the rounds go on; {@link #close} stops them.
 */
final class CanaryLoop implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(CanaryLoop.class);

  private final List<Canary> canaries;
  private final List<Prober> probers;
  private final Duration interval;
  private final Consumer<CanaryRound> report;
  private final Clock clock;
  private volatile boolean closed;
  private volatile ScheduledFuture<?> next;

  private CanaryLoop(
      List<Canary> canaries,
      List<Prober> probers,
      Duration interval,
      Consumer<CanaryRound> report,
      Clock clock) {
    this.canaries = canaries;
    this.probers = probers;
    this.interval = interval;
    this.report = report;
    this.clock = clock;
  }

  /** Starts the rounds: a TCP connect to a canary with a port, an ICMP echo to one without. */
  static CanaryLoop start(
      List<Canary> canaries,
      Probers probers,
      Duration interval,
      Duration timeout,
      Consumer<CanaryRound> report) {
    List<Prober> ps = new ArrayList<>();
    for (Canary c : canaries) {
      ps.add(probers.forCheck(check(c, interval, timeout)));
    }
    CanaryLoop loop =
        new CanaryLoop(List.copyOf(canaries), ps, interval, report, Clock.systemUTC());
    loop.schedule(Duration.ZERO);
    return loop;
  }

  /** The probe of one canary, as a health check would define it. */
  static HealthCheck check(Canary c, Duration interval, Duration timeout) {
    return new HealthCheck(
        "canary " + c.label(),
        c.icmp() ? ProbeType.ICMP : ProbeType.TCP,
        c.port(),
        interval,
        interval,
        interval,
        timeout,
        1,
        1,
        null,
        null,
        null,
        c.icmp() ? null : new HealthCheck.TcpParams(false, null, false, null));
  }

  /** What a round found: every canary answered, none did, or some. */
  static CanaryVerdict verdict(List<Boolean> answered) {
    boolean any = answered.contains(true);
    boolean all = !answered.contains(false);
    return all ? CanaryVerdict.ANSWERED : any ? CanaryVerdict.MIXED : CanaryVerdict.FAILED;
  }

  private void schedule(Duration delay) {
    if (closed) {
      return;
    }
    next = probers.get(0).executor().schedule(this::round, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void round() {
    if (closed) {
      return;
    }
    Instant started = clock.instant();
    List<CompletableFuture<ProbeResult>> results = new ArrayList<>();
    try {
      for (int i = 0; i < canaries.size(); i++) {
        results.add(probers.get(i).probe(canaries.get(i).address()));
      }
    } catch (RuntimeException e) {
      logger.warn("canary probes could not start", e);
      schedule(interval);
      return;
    }
    var unused =
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
            .whenComplete(
                (v, t) -> {
                  try {
                    if (!closed) {
                      List<Boolean> ok = new ArrayList<>();
                      for (CompletableFuture<ProbeResult> r : results) {
                        ok.add(r.isDone() && !r.isCompletedExceptionally() && r.join().ok());
                      }
                      report.accept(new CanaryRound(started, verdict(ok)));
                    }
                  } catch (RuntimeException e) {
                    logger.warn("canary round failed", e);
                  } finally {
                    Duration spent = Duration.between(started, clock.instant());
                    Duration wait = interval.minus(spent);
                    schedule(wait.isNegative() ? Duration.ZERO : wait);
                  }
                });
  }

  @Override
  public void close() {
    closed = true;
    ScheduledFuture<?> n = next;
    if (n != null) {
      n.cancel(false);
    }
    probers.forEach(Prober::release);
  }
}
