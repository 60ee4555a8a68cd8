package ch.ipng.maglev.daemon.checker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.config.Backend;
import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.daemon.checker.BackendWorker.Action;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.Jitter;
import ch.ipng.maglev.daemon.probe.ProbeCode;
import ch.ipng.maglev.daemon.probe.ProbeResult;
import ch.ipng.maglev.daemon.testing.Configs;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The timing rules of one probe loop, on virtual time: a {@link ManualScheduler} runs the probes
 * only when the test advances it, and a {@link ManualProber} answers them only when the test says
 * so. Nothing here waits.
 *
 * <p>The clock starts on a 10 ms tick and every probe is answered {@link #LATENCY} (3 ms) after it
 * started, so each next probe is scheduled 3 ms past a tick and the rounding up to the next tick
 * shows in every delay. The jitter is a fixed +5%. With interval 2s, fast-interval 500ms and
 * down-interval 5s that makes the delays 2107 ms (2100 + 3 → 2110), 527 ms (525 + 3 → 530) and 5257
 * ms (5250 + 3 → 5260).
 */
class BackendWorkerTest {
  static final Duration LATENCY = Duration.ofMillis(3);
  static final Duration INTERVAL = Duration.ofMillis(2107);
  static final Duration FAST = Duration.ofMillis(527);
  static final Duration DOWN = Duration.ofMillis(5257);
  static final Duration LONG_AFTER = Duration.ofHours(1);

  static final HealthCheck CHECK =
      Configs.check(
          """
          type: tcp
          port: 80
          interval: 2s
          fast-interval: 500ms
          down-interval: 5s
          rise: 2
          fall: 3""");
  static final Backend ENABLED = new Backend("b", InetAddress.getLoopbackAddress(), "hc", "", true);
  static final Backend DISABLED =
      new Backend("b", InetAddress.getLoopbackAddress(), "hc", "", false);

  final ManualScheduler loop = new ManualScheduler(Duration.ofSeconds(1000).toNanos());
  final ManualProber prober = new ManualProber(loop);
  final RecordingListener listener = new RecordingListener();
  final List<Transition> published = new ArrayList<>();

  /** Hears probe results and start lateness. */
  static final class RecordingListener implements ProbeListener {
    final List<ProbeResult> results = new ArrayList<>();
    final List<Long> lateness = new ArrayList<>();

    @Override
    public void probed(String backend, HealthCheck check, ProbeResult result) {
      results.add(result);
    }

    @Override
    public void started(long latenessNanos) {
      lateness.add(latenessNanos);
    }
  }

  /** A jitter whose random draw in [0, 1) is always {@code draw}: 0.5 is none, 0.75 is +5%. */
  static Jitter jitter(double draw) {
    return Jitter.of(
        new RandomGenerator() {
          @Override
          public long nextLong() {
            throw new UnsupportedOperationException();
          }

          @Override
          public double nextDouble() {
            return draw;
          }
        });
  }

  BackendWorker worker(Backend b) {
    return worker(b, jitter(0.75));
  }

  BackendWorker worker(Backend b, Jitter j) {
    return new BackendWorker(
        b, CHECK, prober, 10, j, listener, (name, t) -> published.add(t), loop.clock());
  }

  /** An enabled worker whose first probe has started and is in flight. */
  BackendWorker probing() {
    BackendWorker w = worker(ENABLED);
    w.start(Duration.ZERO);
    loop.advance(Duration.ZERO);
    assertThat(prober.inFlight()).isEqualTo(1);
    return w;
  }

  /** Answers the probe in flight {@link #LATENCY} after it started. */
  void answer(boolean pass) {
    loop.advance(LATENCY);
    if (pass) {
      prober.pass(ProbeCode.L4OK);
    } else {
      prober.fail(ProbeCode.L4CON);
    }
  }

  /** Runs the next scheduled probe at its due time. */
  void runNext() {
    assertThat(loop.pending()).hasSize(1);
    int before = prober.started();
    loop.advance(loop.pending().get(0));
    assertThat(prober.started()).isEqualTo(before + 1);
  }

  /** A worker that passed three probes (rise 2, fall 3: counter 4 of 4) with its next scheduled. */
  BackendWorker fullyUp() {
    BackendWorker w = probing();
    answer(true);
    runNext();
    answer(true);
    runNext();
    answer(true);
    assertThat(w.state()).isEqualTo(BackendState.UP);
    assertThat(w.counter()).isEqualTo(4);
    return w;
  }

  @Test
  void noProbeIsEverScheduled_whenTheConfigDisablesTheBackend() {
    BackendWorker w = worker(DISABLED);
    w.start(Duration.ZERO);

    assertThat(loop.pending()).isEmpty();
    loop.advance(LONG_AFTER);
    assertThat(prober.started()).isZero();
    assertThat(w.state()).isEqualTo(BackendState.DISABLED);
  }

  @Test
  void theFirstProbeStarts_afterTheStartDelay() {
    worker(ENABLED).start(Duration.ofMillis(40));

    assertThat(loop.pending()).containsExactly(Duration.ofMillis(40));
    loop.advance(Duration.ofMillis(39));
    assertThat(prober.started()).isZero();
    loop.advance(Duration.ofMillis(1));
    assertThat(prober.started()).isEqualTo(1);
  }

  @Test
  void noSecondProbeIsScheduled_whileOneIsInFlight() {
    probing();

    assertThat(loop.pending()).isEmpty();
    loop.advance(LONG_AFTER);
    assertThat(prober.started()).isEqualTo(1);
    answer(true);
    assertThat(loop.pending()).hasSize(1);
  }

  @Test
  void theNextProbeWaitsTheFastInterval_whenUpButNotFullyUp() {
    BackendWorker w = probing();
    answer(true);

    assertThat(w.state()).isEqualTo(BackendState.UP);
    assertThat(w.counter()).isEqualTo(2);
    assertThat(loop.pending()).containsExactly(FAST);
  }

  @Test
  void theNextProbeWaitsTheInterval_whenFullyUp() {
    fullyUp();

    assertThat(loop.pending()).containsExactly(INTERVAL);
  }

  @Test
  void theNextProbeWaitsTheFastInterval_whileFalling() {
    BackendWorker w = fullyUp();
    runNext();
    answer(false);

    assertThat(w.state()).isEqualTo(BackendState.UP);
    assertThat(w.counter()).isEqualTo(3);
    assertThat(loop.pending()).containsExactly(FAST);
  }

  @Test
  void theNextProbeWaitsTheDownInterval_whenFullyDown() {
    BackendWorker w = probing();
    answer(false);

    assertThat(w.state()).isEqualTo(BackendState.DOWN);
    assertThat(w.counter()).isZero();
    assertThat(loop.pending()).containsExactly(DOWN);
  }

  @Test
  void theNextProbeWaitsTheFastInterval_whileRising() {
    BackendWorker w = probing();
    answer(false);
    runNext();
    answer(true);

    assertThat(w.state()).isEqualTo(BackendState.DOWN);
    assertThat(w.counter()).isEqualTo(1);
    assertThat(loop.pending()).containsExactly(FAST);
  }

  /** Down-interval 5s, answered 3 ms past a tick: jittered, then up to the next tick. */
  @ParameterizedTest(name = "draw {0}: {1} ms")
  @CsvSource({"0.0, 4507", "0.5, 5007", "0.75, 5257", "0.9999, 5507"})
  void theNextProbeIsDue_onTheFirstTickAfterTheJitteredInterval(double draw, long delayMillis) {
    BackendWorker w = worker(ENABLED, jitter(draw));
    w.start(Duration.ZERO);
    loop.advance(Duration.ZERO);
    answer(false);

    assertThat(loop.pending()).containsExactly(Duration.ofMillis(delayMillis));
    long due = loop.nanoTime() + loop.pending().get(0).toNanos();
    assertThat(due % BackendWorker.TICK_NANOS).isZero();
  }

  @Test
  void aProbeOnTime_reportsNoLateness_measuredFromItsRoundedStartTime() {
    probing();
    answer(true);
    runNext();

    assertThat(listener.lateness).containsExactly(0L, 0L);
  }

  @Test
  void aProbeStartedLate_reportsHowLate() {
    probing();
    answer(true);
    loop.stall(FAST.plusMillis(25)); // the event loop was busy past the due time
    loop.advance(Duration.ZERO);

    assertThat(prober.started()).isEqualTo(2);
    assertThat(listener.lateness).containsExactly(0L, Duration.ofMillis(25).toNanos());
  }

  @Test
  void pauseCancelsTheScheduledProbe_andNoProbeRunsWhilePaused() {
    BackendWorker w = fullyUp();
    w.act(Action.PAUSE, Duration.ZERO);

    assertThat(w.state()).isEqualTo(BackendState.PAUSED);
    assertThat(loop.pending()).isEmpty();
    loop.advance(LONG_AFTER);
    assertThat(prober.started()).isEqualTo(3);
  }

  @Test
  void aResultInFlightAtThePause_isIgnored() {
    BackendWorker w = probing();
    w.act(Action.PAUSE, Duration.ZERO);
    BackendStatus paused = w.status();
    List<Transition> publishedAtPause = List.copyOf(published);

    answer(false);

    assertThat(w.status()).isEqualTo(paused);
    assertThat(w.status().probes()).isEmpty();
    assertThat(published).isEqualTo(publishedAtPause);
    assertThat(listener.results).isEmpty();
    assertThat(loop.pending()).isEmpty();
  }

  @Test
  void resumeProbesAtOnce_inUnknown() {
    BackendWorker w = fullyUp();
    w.act(Action.PAUSE, Duration.ZERO);
    loop.advance(LONG_AFTER.plus(LATENCY)); // off the tick: a zero delay is not rounded
    w.act(Action.RESUME, Duration.ZERO);

    assertThat(w.state()).isEqualTo(BackendState.UNKNOWN);
    assertThat(w.counter()).isEqualTo(1);
    assertThat(loop.pending()).containsExactly(Duration.ZERO);
    loop.advance(Duration.ZERO);
    assertThat(prober.started()).isEqualTo(4);
  }

  @Test
  void aResultInFlightAtThePause_isIgnored_afterResumeToo() {
    BackendWorker w = probing();
    w.act(Action.PAUSE, Duration.ZERO);
    w.act(Action.RESUME, Duration.ZERO);

    loop.advance(Duration.ZERO); // the probe resume asked for
    assertThat(prober.inFlight()).isEqualTo(2);

    prober.fail(ProbeCode.L4CON); // the probe from before the pause: recorded, unknown goes down
    assertThat(w.state()).isEqualTo(BackendState.UNKNOWN);
    assertThat(w.status().probes()).isEmpty();
    assertThat(listener.results).isEmpty();
    assertThat(loop.pending()).isEmpty(); // the new probe is still in flight

    prober.pass(ProbeCode.L4OK); // the new probe counts
    assertThat(w.state()).isEqualTo(BackendState.UP);
  }

  @Test
  void disableCancelsTheScheduledProbe_andNoProbeRunsWhileDisabled() {
    BackendWorker w = fullyUp();
    w.act(Action.DISABLE, Duration.ZERO);

    assertThat(w.state()).isEqualTo(BackendState.DISABLED);
    assertThat(loop.pending()).isEmpty();
    loop.advance(LONG_AFTER);
    assertThat(prober.started()).isEqualTo(3);
  }

  @Test
  void aResultInFlightAtDisable_isIgnored() {
    BackendWorker w = probing();
    w.act(Action.DISABLE, Duration.ZERO);
    BackendStatus disabled = w.status();

    answer(false);

    assertThat(w.status()).isEqualTo(disabled);
    assertThat(listener.results).isEmpty();
    assertThat(loop.pending()).isEmpty();
  }

  @Test
  void enableProbesAtOnce_inUnknown() {
    BackendWorker w = worker(DISABLED);
    w.start(Duration.ZERO);
    loop.advance(LATENCY); // off the tick: a zero delay is not rounded
    w.act(Action.ENABLE, Duration.ZERO);

    assertThat(w.state()).isEqualTo(BackendState.UNKNOWN);
    assertThat(loop.pending()).containsExactly(Duration.ZERO);
    loop.advance(Duration.ZERO);
    assertThat(prober.started()).isEqualTo(1);
  }

  @Test
  void restartCancelsTheScheduledProbe_andProbesAtOnceWithTheNewProber() {
    BackendWorker w = fullyUp();
    ManualProber next = new ManualProber(loop);
    w.restart(ENABLED, CHECK, next, 10);

    assertThat(w.state()).isEqualTo(BackendState.UNKNOWN);
    assertThat(loop.pending()).containsExactly(Duration.ZERO);
    loop.advance(LONG_AFTER);
    assertThat(next.started()).isEqualTo(1);
    assertThat(prober.started()).isEqualTo(3);
  }

  @Test
  void aResultInFlightAtRestart_isIgnored() {
    BackendWorker w = probing();
    ManualProber next = new ManualProber(loop);
    w.restart(ENABLED, CHECK, next, 10);

    answer(false); // the old prober's probe: recorded, it would take unknown down

    assertThat(w.state()).isEqualTo(BackendState.UNKNOWN);
    assertThat(w.status().probes()).isEmpty();
    assertThat(listener.results).isEmpty();
    assertThat(next.started()).isEqualTo(1); // its own probe ran at once meanwhile
  }

  @Test
  void restartOfAPausedBackend_staysPaused_andSchedulesNothing() {
    BackendWorker w = fullyUp();
    w.act(Action.PAUSE, Duration.ZERO);
    ManualProber next = new ManualProber(loop);
    w.restart(ENABLED, CHECK, next, 10);

    assertThat(w.state()).isEqualTo(BackendState.PAUSED);
    assertThat(loop.pending()).isEmpty();
    loop.advance(LONG_AFTER);
    assertThat(next.started()).isZero();
  }

  @Test
  void removeCancelsTheScheduledProbe_forGood() {
    BackendWorker w = fullyUp();
    w.remove();

    assertThat(w.state()).isEqualTo(BackendState.REMOVED);
    assertThat(loop.pending()).isEmpty();
    loop.advance(LONG_AFTER);
    assertThat(prober.started()).isEqualTo(3);
  }

  @Test
  void aResultInFlightAtRemoval_isIgnored() {
    BackendWorker w = probing();
    w.remove();
    BackendStatus removed = w.status();

    answer(true);

    assertThat(w.status()).isEqualTo(removed);
    assertThat(listener.results).isEmpty();
    assertThat(loop.pending()).isEmpty();
  }

  @Test
  void shutdownCancelsTheScheduledProbe() {
    BackendWorker w = fullyUp();
    w.retireForShutdown();

    assertThat(loop.pending()).isEmpty();
    loop.advance(LONG_AFTER);
    assertThat(prober.started()).isEqualTo(3);
  }

  @Test
  void aProberThatThrows_countsAsAFailedProbe_andTheLoopGoesOn() {
    prober.throwOnProbe(new IllegalStateException("boom"));
    BackendWorker w = worker(ENABLED);
    w.start(Duration.ZERO);
    loop.advance(Duration.ZERO);

    assertThat(w.state()).isEqualTo(BackendState.DOWN);
    assertThat(w.status().probes().get(0).code()).isEqualTo(ProbeCode.L4CON);
    assertThat(loop.pending()).containsExactly(Duration.ofMillis(5250)); // answered on a tick
  }

  @Test
  void aProbeCompletedExceptionally_countsAsAFailedProbe_andTheLoopGoesOn() {
    BackendWorker w = probing();
    loop.advance(LATENCY);
    prober.breakProbe(new IllegalStateException("boom"));

    assertThat(w.state()).isEqualTo(BackendState.DOWN);
    assertThat(w.status().probes().get(0).code()).isEqualTo(ProbeCode.L4CON);
    assertThat(loop.pending()).containsExactly(DOWN);
  }
}
