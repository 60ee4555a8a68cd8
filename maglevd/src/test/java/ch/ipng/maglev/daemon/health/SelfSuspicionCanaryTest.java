package ch.ipng.maglev.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.daemon.health.SelfSuspicion.CanaryRound;
import ch.ipng.maglev.daemon.health.SelfSuspicion.CanaryVerdict;
import ch.ipng.maglev.daemon.health.SelfSuspicion.Cause;
import ch.ipng.maglev.daemon.health.SelfSuspicion.Change;
import ch.ipng.maglev.daemon.health.SelfSuspicion.Population;
import ch.ipng.maglev.daemon.health.SelfSuspicion.Settings;
import ch.ipng.maglev.daemon.health.SelfSuspicion.Thaw;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The canaries' part of the self-suspicion rule, with a fixed clock: every combination of the
 * latest canary round (none, answered, failed, mixed; started before the downs, after them, or
 * older than the window) with the downs seen (one, a storm) and the state (not suspected, suspected
 * by a storm, by a stall).
 */
class SelfSuspicionCanaryTest {
  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
  private static final Duration WINDOW = Duration.ofSeconds(6);
  private static final Settings SETTINGS =
      new Settings(true, 5, 50, WINDOW, Duration.ofSeconds(2), Duration.ofSeconds(60));
  private static final Population POP = new Population(20, 4, 2);

  private static InetAddress addr(String a) {
    try {
      return InetAddress.getByName(a);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static Change down(int i, Instant at) {
    return new Change(
        at,
        "b" + i,
        BackendState.UP,
        BackendState.DOWN,
        Set.of("fe" + i / 5),
        addr("198.18." + i % 2 + "." + (10 + i)));
  }

  /** Backends b0 to b(n-1) (two frontends and both ranges from n = 6 on) go down at {@code at}. */
  private static SelfSuspicion downs(SelfSuspicion s, int n, Instant at) {
    return downs(s, 0, n, at);
  }

  /** Backends b{from} to b{to - 1} go down at {@code at}. */
  private static SelfSuspicion downs(SelfSuspicion s, int from, int to, Instant at) {
    List<Change> cs = new ArrayList<>();
    for (int i = from; i < to; i++) {
      cs.add(down(i, at));
    }
    return s.observe(at, cs, POP);
  }

  enum When {
    /** The round started before the downs (says nothing about them). */
    BEFORE,
    /** The round started after the first down. */
    AFTER,
    /** The round is older than the window. */
    STALE
  }

  /** The rule restated: the cause a suspicion should have after the downs, or null. */
  private static @Nullable Cause expected(@Nullable CanaryVerdict v, When when, int down) {
    if (when == When.AFTER && down >= 10) {
      return Cause.STORM; // the storm came first; a failing round keeps it, a mixed one too
    }
    if (v == CanaryVerdict.FAILED && when != When.STALE) {
      return Cause.CANARY;
    }
    if (v == CanaryVerdict.ANSWERED && when == When.AFTER) {
      return null;
    }
    return down >= 10 ? Cause.STORM : null; // 10 of 20 is the storm (min 5, share 50 %)
  }

  @Test
  void everyRoundWithEveryDownCount_notSuspectedBefore() {
    List<CanaryVerdict> verdicts = new ArrayList<>();
    verdicts.add(null);
    verdicts.addAll(List.of(CanaryVerdict.values()));
    for (CanaryVerdict v : verdicts) {
      for (When when : When.values()) {
        for (int down : new int[] {1, 4, 10}) {
          Instant downsAt = T0.plusSeconds(10);
          Instant roundAt =
              switch (when) {
                case BEFORE -> downsAt.minusMillis(500);
                case AFTER -> downsAt.plusMillis(100);
                case STALE -> downsAt.minus(WINDOW).minusSeconds(1);
              };
          Instant now = downsAt.plusMillis(500);
          SelfSuspicion s = SelfSuspicion.of(SETTINGS);
          String as = v + " " + when + " " + down;
          if (v != null && when != When.AFTER) {
            s = s.canaries(roundAt, new CanaryRound(roundAt, v), POP);
            assertThat(s.suspected()).as(as + ": a round alone suspects nothing").isFalse();
          }
          s = downs(s, down, downsAt);
          if (v != null && when == When.AFTER) {
            s = s.canaries(now, new CanaryRound(roundAt, v), POP);
          }
          Cause want = expected(v, when, down);
          // a storm already suspected before an answering round came: that round lifts it
          if (v == CanaryVerdict.ANSWERED && when == When.AFTER && down >= 10) {
            assertThat(s.suspected()).as(as).isFalse();
            assertThat(s.lastThaw()).as(as).contains(Thaw.BELIEVED);
            continue;
          }
          assertThat(s.evidence().map(SelfSuspicion.Evidence::cause).orElse(null))
              .as(as)
              .isEqualTo(want);
          assertThat(s.frozen()).as(as).hasSize(want == null ? 0 : down);
        }
      }
    }
  }

  @Test
  void answeringCanariesInARoundStartedBeforeTheDowns_doNotStopAStorm() {
    SelfSuspicion s = SelfSuspicion.of(SETTINGS);
    s = s.canaries(T0, new CanaryRound(T0, CanaryVerdict.ANSWERED), POP);
    s = downs(s, 10, T0.plusSeconds(1));
    assertThat(s.evidence().orElseThrow().cause()).isEqualTo(Cause.STORM);
  }

  @Test
  void answeringCanariesAfterTheFirstDown_meanTheStormIsBelieved() {
    SelfSuspicion s = SelfSuspicion.of(SETTINGS);
    s = downs(s, 3, T0);
    s =
        s.canaries(
            T0.plusSeconds(1), new CanaryRound(T0.plusMillis(200), CanaryVerdict.ANSWERED), POP);
    s = downs(s, 3, 13, T0.plusSeconds(2)); // 13 down within the window: a storm, but believed
    assertThat(s.suspected()).isFalse();
    assertThat(s.frozen()).isEmpty();
  }

  @Test
  void failingCanaries_makeASingleDownSuspect_andTheNextDownsAreFrozenToo() {
    SelfSuspicion s = SelfSuspicion.of(SETTINGS);
    s = s.canaries(T0, new CanaryRound(T0, CanaryVerdict.FAILED), POP);
    assertThat(s.suspected()).isFalse();
    s = s.observe(T0.plusSeconds(1), List.of(down(3, T0.plusSeconds(1))), POP);
    assertThat(s.evidence().orElseThrow().cause()).isEqualTo(Cause.CANARY);
    assertThat(s.frozen()).containsExactly("b3");
    s = s.observe(T0.plusSeconds(2), List.of(down(4, T0.plusSeconds(2))), POP);
    assertThat(s.frozen()).containsExactlyInAnyOrder("b3", "b4");
  }

  @Test
  void aFailedRoundAfterTheDowns_suspectsAtOnce() {
    SelfSuspicion s = SelfSuspicion.of(SETTINGS);
    s = downs(s, 2, T0);
    assertThat(s.suspected()).isFalse();
    s =
        s.canaries(
            T0.plusSeconds(1), new CanaryRound(T0.plusMillis(500), CanaryVerdict.FAILED), POP);
    assertThat(s.evidence().orElseThrow().cause()).isEqualTo(Cause.CANARY);
    assertThat(s.frozen()).hasSize(2);
  }

  @Test
  void aStallsSuspicion_isNotLiftedByAnsweringCanaries() {
    SelfSuspicion s = SelfSuspicion.of(SETTINGS);
    s = s.late(T0, Duration.ofSeconds(5), POP);
    assertThat(s.evidence().orElseThrow().cause()).isEqualTo(Cause.STALL);
    s =
        s.canaries(
            T0.plusSeconds(1), new CanaryRound(T0.plusMillis(500), CanaryVerdict.ANSWERED), POP);
    assertThat(s.suspected()).isTrue();
  }

  @Test
  void aCanarySuspicion_isLiftedByAnswersFromARoundStartedAfterIt_notBefore() {
    SelfSuspicion s = SelfSuspicion.of(SETTINGS);
    s = s.canaries(T0, new CanaryRound(T0, CanaryVerdict.FAILED), POP);
    s = s.observe(T0.plusSeconds(1), List.of(down(3, T0.plusSeconds(1))), POP);
    assertThat(s.suspected()).isTrue();
    // a round that started before the suspicion began (and ended after): no thaw
    s =
        s.canaries(
            T0.plusSeconds(2), new CanaryRound(T0.plusMillis(900), CanaryVerdict.ANSWERED), POP);
    assertThat(s.suspected()).isTrue();
    s = s.canaries(T0.plusSeconds(3), new CanaryRound(T0.plusSeconds(2), CanaryVerdict.MIXED), POP);
    assertThat(s.suspected()).isTrue();
    s =
        s.canaries(
            T0.plusSeconds(4), new CanaryRound(T0.plusSeconds(3), CanaryVerdict.ANSWERED), POP);
    assertThat(s.suspected()).isFalse();
    assertThat(s.lastThaw()).contains(Thaw.BELIEVED);
    assertThat(s.frozen()).isEmpty();
  }

  @Test
  void canariesAreIgnoredWhileTheRuleIsOff() {
    SelfSuspicion s = SelfSuspicion.of(new Settings(false, 5, 50, WINDOW, WINDOW, WINDOW));
    s = s.canaries(T0, new CanaryRound(T0, CanaryVerdict.FAILED), POP);
    s = s.observe(T0.plusSeconds(1), List.of(down(3, T0.plusSeconds(1))), POP);
    assertThat(s.suspected()).isFalse();
  }
}
