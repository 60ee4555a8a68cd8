package ch.ipng.maglev.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HealthTest {
  private static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final Duration FAST = Duration.ofMillis(500);
  private static final Duration DOWN = Duration.ofSeconds(10);

  @Test
  void initial_isUnknownWithExpeditedCounter() {
    Health h = Health.initial(2, 3, true);
    assertThat(h.state()).isEqualTo(BackendState.UNKNOWN);
    assertThat(h.counter()).isEqualTo(1);
    assertThat(h.max()).isEqualTo(4);
  }

  @Test
  void initial_disabledWhenConfigSaysSo() {
    assertThat(Health.initial(2, 3, false).state()).isEqualTo(BackendState.DISABLED);
  }

  @Test
  void unknown_onePassGoesUp() {
    Health h = Health.initial(2, 3, true).record(true);
    assertThat(h.state()).isEqualTo(BackendState.UP);
    assertThat(h.counter()).isEqualTo(2);
  }

  @Test
  void unknown_anyFailureGoesDownAtOnce() {
    for (int rise = 1; rise <= 5; rise++) {
      Health h = Health.initial(rise, 3, true).record(false);
      assertThat(h.state()).isEqualTo(BackendState.DOWN);
      assertThat(h.counter()).isZero();
    }
  }

  @Test
  void unknown_withAnyRise_onePassIsEnough() {
    for (int rise = 1; rise <= 5; rise++) {
      assertThat(Health.initial(rise, 2, true).record(true).state()).isEqualTo(BackendState.UP);
    }
  }

  @Test
  void workedExample_riseTwoFallThree() {
    // counter 0,1 = down; 2,3,4 = up
    Health h = new Health(BackendState.UP, 4, 2, 3);
    h = h.record(false);
    assertThat(h).isEqualTo(new Health(BackendState.UP, 3, 2, 3));
    h = h.record(false);
    assertThat(h).isEqualTo(new Health(BackendState.UP, 2, 2, 3));
    h = h.record(false);
    assertThat(h).isEqualTo(new Health(BackendState.DOWN, 1, 2, 3));
    h = h.record(false);
    assertThat(h).isEqualTo(new Health(BackendState.DOWN, 0, 2, 3));
    h = h.record(false);
    assertThat(h).isEqualTo(new Health(BackendState.DOWN, 0, 2, 3));
    h = h.record(true);
    assertThat(h).isEqualTo(new Health(BackendState.DOWN, 1, 2, 3));
    h = h.record(true);
    assertThat(h).isEqualTo(new Health(BackendState.UP, 2, 2, 3));
    h = h.record(true).record(true).record(true);
    assertThat(h).isEqualTo(new Health(BackendState.UP, 4, 2, 3));
  }

  @Test
  void hysteresis_fullyUpNeedsFallFailures_fullyDownNeedsRisePasses() {
    for (int rise = 1; rise <= 4; rise++) {
      for (int fall = 1; fall <= 4; fall++) {
        Health fullyUp = new Health(BackendState.UP, rise + fall - 1, rise, fall);
        Health h = fullyUp;
        for (int i = 1; i < fall; i++) {
          h = h.record(false);
          assertThat(h.state())
              .as("rise %d fall %d failure %d", rise, fall, i)
              .isEqualTo(BackendState.UP);
        }
        assertThat(h.record(false).state()).isEqualTo(BackendState.DOWN);

        h = new Health(BackendState.DOWN, 0, rise, fall);
        for (int i = 1; i < rise; i++) {
          h = h.record(true);
          assertThat(h.state()).isEqualTo(BackendState.DOWN);
        }
        assertThat(h.record(true).state()).isEqualTo(BackendState.UP);
      }
    }
  }

  @Test
  void counter_staysWithinBoundsUnderRandomResults() {
    SplittableRandom random = new SplittableRandom(42);
    Health h = Health.initial(3, 4, true);
    for (int i = 0; i < 10_000; i++) {
      h = h.record(random.nextBoolean());
      assertThat(h.counter()).isBetween(0, h.max());
      assertThat(h.state() == BackendState.UP).isEqualTo(h.counter() >= h.rise());
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = BackendState.class,
      names = {"PAUSED", "DISABLED", "REMOVED"})
  void record_rejectedInInactiveStates(BackendState state) {
    Health h = new Health(state, 1, 2, 3);
    assertThatThrownBy(() -> h.record(true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(state.label());
  }

  @Test
  void pause_keepsCounter_resumeRestartsInUnknown() {
    Health up = new Health(BackendState.UP, 4, 2, 3);
    Health paused = up.pause();
    assertThat(paused.state()).isEqualTo(BackendState.PAUSED);
    Health resumed = paused.resume();
    assertThat(resumed).isEqualTo(new Health(BackendState.UNKNOWN, 1, 2, 3));
  }

  @Test
  void resume_ofProbingBackend_isNoOp() {
    Health up = new Health(BackendState.UP, 3, 2, 3);
    assertThat(up.resume()).isEqualTo(up);
  }

  @Test
  void pauseAndResume_refusedWhenDisabledOrRemoved() {
    for (BackendState s : List.of(BackendState.DISABLED, BackendState.REMOVED)) {
      Health h = new Health(s, 1, 2, 3);
      assertThatThrownBy(h::pause).hasMessage("cannot pause a " + s.label() + " backend");
      assertThatThrownBy(h::resume).hasMessage("cannot resume a " + s.label() + " backend");
    }
  }

  @Test
  void disableAndEnable() {
    Health down = new Health(BackendState.DOWN, 0, 2, 3);
    Health disabled = down.disable();
    assertThat(disabled.state()).isEqualTo(BackendState.DISABLED);
    assertThat(disabled.enable()).isEqualTo(new Health(BackendState.UNKNOWN, 1, 2, 3));
    assertThat(down.enable()).isEqualTo(down);
    Health paused = down.pause();
    assertThat(paused.disable().state()).isEqualTo(BackendState.DISABLED);
    assertThatThrownBy(() -> down.remove().enable()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> down.remove().disable()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void interval_fullyUpUsesInterval() {
    assertThat(new Health(BackendState.UP, 4, 2, 3).nextInterval(INTERVAL, FAST, DOWN))
        .isEqualTo(INTERVAL);
  }

  @Test
  void interval_fullyDownUsesDownInterval() {
    assertThat(new Health(BackendState.DOWN, 0, 2, 3).nextInterval(INTERVAL, FAST, DOWN))
        .isEqualTo(DOWN);
  }

  @Test
  void interval_everythingElseUsesFastInterval() {
    assertThat(Health.initial(2, 3, true).nextInterval(INTERVAL, FAST, DOWN)).isEqualTo(FAST);
    for (int c = 1; c <= 3; c++) {
      BackendState s = c >= 2 ? BackendState.UP : BackendState.DOWN;
      assertThat(new Health(s, c, 2, 3).nextInterval(INTERVAL, FAST, DOWN)).isEqualTo(FAST);
    }
    // unknown with counter 0 (rise 1) is not "fully down"
    assertThat(Health.initial(1, 3, true).nextInterval(INTERVAL, FAST, DOWN)).isEqualTo(FAST);
  }

  @Test
  void jitter_staysWithinTenPercentAndVaries() {
    Jitter jitter = Jitter.of(new SplittableRandom(7));
    Duration base = Duration.ofSeconds(1);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < 10_000; i++) {
      long n = jitter.apply(base).toMillis();
      assertThat(n).isBetween(900L, 1100L);
      min = Math.min(min, n);
      max = Math.max(max, n);
    }
    assertThat(min).isLessThan(920);
    assertThat(max).isGreaterThan(1080);
  }

  @Test
  void invalidParameters_rejected() {
    assertThatThrownBy(() -> new Health(BackendState.UP, 0, 0, 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Health(BackendState.UP, 5, 2, 3))
        .hasMessageContaining("counter: 5 (expected: 0-4)");
  }
}
