package ch.ipng.maglev.daemon.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The test scheduler the probe-loop tests stand on: virtual time, nothing runs on its own. */
class ManualSchedulerTest {
  final ManualScheduler s = new ManualScheduler(1_000);
  final List<String> ran = new ArrayList<>();

  /** Schedules a task that notes its name and the time it ran. */
  void at(long delayMillis, String name) {
    var unused = s.schedule(task(name), delayMillis, TimeUnit.MILLISECONDS);
  }

  Runnable task(String name) {
    return () -> ran.add(name + "@" + s.nanoTime());
  }

  static long ms(long millis) {
    return 1_000 + millis * 1_000_000;
  }

  @Test
  void nothingRuns_untilTheTestAdvancesTheClock() {
    at(0, "a");

    assertThat(ran).isEmpty();
    assertThat(s.pending()).containsExactly(Duration.ZERO);
  }

  @Test
  void advanceRunsDueTasks_inTimeOrder_atTheirDueTime() {
    at(30, "c");
    at(10, "a");
    at(20, "b");
    at(50, "late");

    s.advance(Duration.ofMillis(40));

    assertThat(ran).containsExactly("a@" + ms(10), "b@" + ms(20), "c@" + ms(30));
    assertThat(s.nanoTime()).isEqualTo(ms(40));
    assertThat(s.pending()).containsExactly(Duration.ofMillis(10));
  }

  @Test
  void tasksDueAtOnce_runInTheOrderTheyWereScheduled() {
    at(10, "first");
    at(10, "second");

    s.advance(Duration.ofMillis(10));

    assertThat(ran).containsExactly("first@" + ms(10), "second@" + ms(10));
  }

  @Test
  void aTaskScheduledByATask_runsInTheSameAdvance_ifDueInTheWindow() {
    var unused = s.schedule(() -> at(5, "then"), 10, TimeUnit.MILLISECONDS);

    s.advance(Duration.ofMillis(20));

    assertThat(ran).containsExactly("then@" + ms(15));
  }

  @Test
  void aCancelledTask_neverRuns_andIsNotPending() {
    ScheduledFuture<?> f = s.schedule(task("x"), 10, TimeUnit.MILLISECONDS);

    assertThat(f.cancel(false)).isTrue();

    assertThat(f.isCancelled()).isTrue();
    assertThat(s.pending()).isEmpty();
    s.advance(Duration.ofHours(1));
    assertThat(ran).isEmpty();
  }

  @Test
  void aTaskOverdueAfterAStall_runsLate_atTheNextAdvance() {
    at(10, "a");

    s.stall(Duration.ofMillis(25));
    assertThat(ran).isEmpty();
    assertThat(s.pending()).containsExactly(Duration.ofMillis(-15));
    s.advance(Duration.ZERO);

    assertThat(ran).containsExactly("a@" + ms(25));
  }

  @Test
  void whatAProbeLoopDoesNotUse_isUnsupported() {
    assertThatThrownBy(() -> s.execute(() -> {})).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> s.scheduleAtFixedRate(() -> {}, 1, 1, TimeUnit.SECONDS))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(s::shutdownNow).isInstanceOf(UnsupportedOperationException.class);
  }
}
