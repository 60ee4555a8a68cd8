package ch.ipng.maglev.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.Test;

/** The self-suspicion rule with a fixed clock: every trigger, every threshold, every thaw. */
class SelfSuspicionTest {
  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
  private static final Duration WINDOW = Duration.ofSeconds(6);
  private static final Settings SETTINGS =
      new Settings(true, 5, 50, WINDOW, Duration.ofSeconds(2), Duration.ofSeconds(60));
  // 20 backends, 4 frontends (5 each), two /24s
  private static final Population POP = new Population(20, 4, 2);

  private static InetAddress addr(String a) {
    try {
      return InetAddress.getByName(a);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** Backend i: frontend fe(i / 5), address in 198.18.(i % 2).0/24. */
  private static Change down(int i, Instant at) {
    return change(i, at, BackendState.UP, BackendState.DOWN);
  }

  private static Change change(int i, Instant at, BackendState from, BackendState to) {
    return new Change(
        at, "b" + i, from, to, Set.of("fe" + i / 5), addr("198.18." + i % 2 + "." + (10 + i)));
  }

  private static SelfSuspicion downs(SelfSuspicion s, int from, int to, Instant at) {
    List<Change> cs = new ArrayList<>();
    for (int i = from; i < to; i++) {
      cs.add(down(i, at));
    }
    return s.observe(at, cs, POP);
  }

  @Test
  void half_of_all_backends_across_frontends_and_ranges_is_a_storm() {
    SelfSuspicion s = SelfSuspicion.of(SETTINGS);
    for (int i = 0; i < 9; i++) {
      s = s.observe(T0.plusMillis(100 * i), List.of(down(i * 2, T0.plusMillis(100 * i))), POP);
      assertThat(s.suspected()).as("after %d downs", i + 1).isFalse();
      assertThat(s.frozen()).isEmpty();
    }
    Instant t = T0.plusSeconds(1);
    s = s.observe(t, List.of(down(1, t)), POP);
    assertThat(s.suspected()).isTrue();
    assertThat(s.frozen()).hasSize(10).contains("b0", "b16", "b1");
    SelfSuspicion.Evidence e = s.evidence().orElseThrow();
    assertThat(e.cause()).isEqualTo(Cause.STORM);
    assertThat(e.since()).isEqualTo(t);
    assertThat(e.down()).isEqualTo(10);
    assertThat(e.withVerdict()).isEqualTo(20);
    assertThat(e.frontends()).containsExactly("fe0", "fe1", "fe2", "fe3");
    assertThat(e.ranges()).isEqualTo(2);
    assertThat(e.maxLateness()).isEqualTo(Duration.ZERO);
  }

  @Test
  void fewer_than_min_backends_is_no_storm_even_when_all_are_down() {
    SelfSuspicion s = SelfSuspicion.of(SETTINGS);
    List<Change> four = List.of(down(0, T0), down(5, T0), down(10, T0), down(15, T0));
    s = s.observe(T0, four, new Population(4, 4, 2));
    assertThat(s.suspected()).isFalse();
  }

  @Test
  void less_than_the_share_is_no_storm() {
    SelfSuspicion s = downs(SelfSuspicion.of(SETTINGS), 0, 9, T0); // 9 of 20 = 45 %
    assertThat(s.suspected()).isFalse();
    s = s.observe(T0, List.of(down(9, T0)), POP); // 10 of 20 = 50 %
    assertThat(s.suspected()).isTrue();
  }

  @Test
  void one_frontend_is_no_storm_unless_the_config_has_only_one() {
    // b0..b4: all in fe0, both ranges
    SelfSuspicion s = downs(SelfSuspicion.of(SETTINGS), 0, 5, T0);
    assertThat(s.observe(T0, List.of(), new Population(5, 4, 2)).suspected()).isFalse();
    SelfSuspicion one = SelfSuspicion.of(SETTINGS);
    List<Change> cs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      cs.add(down(i, T0));
    }
    assertThat(one.observe(T0, cs, new Population(5, 1, 2)).suspected()).isTrue();
  }

  @Test
  void one_address_range_is_no_storm_unless_the_config_has_only_one() {
    List<Change> cs = new ArrayList<>();
    for (int i = 0; i < 20; i += 2) { // all in 198.18.0.0/24, four frontends
      cs.add(down(i, T0));
    }
    assertThat(SelfSuspicion.of(SETTINGS).observe(T0, cs, POP).suspected()).isFalse();
    assertThat(SelfSuspicion.of(SETTINGS).observe(T0, cs, new Population(20, 4, 1)).suspected())
        .isTrue();
  }

  @Test
  void downs_older_than_the_window_do_not_count() {
    SelfSuspicion s = downs(SelfSuspicion.of(SETTINGS), 0, 9, T0);
    Instant late = T0.plus(WINDOW).plusMillis(1);
    s = s.observe(late, List.of(down(9, late)), POP);
    assertThat(s.suspected()).isFalse();
    // at exactly the window's edge they still count
    SelfSuspicion edge = downs(SelfSuspicion.of(SETTINGS), 0, 9, T0);
    Instant at = T0.plus(WINDOW);
    assertThat(edge.observe(at, List.of(down(9, at)), POP).suspected()).isTrue();
  }

  @Test
  void only_up_to_down_counts() {
    List<Change> cs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      cs.add(change(i, T0, BackendState.UNKNOWN, BackendState.DOWN));
    }
    SelfSuspicion s = SelfSuspicion.of(SETTINGS).observe(T0, cs, POP);
    assertThat(s.suspected()).isFalse();
  }

  @Test
  void a_backend_up_again_leaves_the_window() {
    SelfSuspicion s = downs(SelfSuspicion.of(SETTINGS), 0, 9, T0);
    s = s.observe(T0, List.of(change(0, T0, BackendState.DOWN, BackendState.UP)), POP);
    s = s.observe(T0, List.of(down(9, T0)), POP); // 9 down again: no storm
    assertThat(s.suspected()).isFalse();
  }

  @Test
  void while_suspected_every_further_down_is_frozen_but_not_unknown_to_down() {
    SelfSuspicion s = downs(SelfSuspicion.of(SETTINGS), 0, 10, T0);
    Instant t = T0.plusSeconds(2);
    s =
        s.observe(
            t, List.of(down(12, t), change(13, t, BackendState.UNKNOWN, BackendState.DOWN)), POP);
    assertThat(s.frozen()).contains("b12").doesNotContain("b13").hasSize(11);
  }

  @Test
  void an_operator_action_takes_a_backend_out_of_the_frozen_set() {
    SelfSuspicion s = downs(SelfSuspicion.of(SETTINGS), 0, 10, T0);
    for (BackendState op :
        List.of(BackendState.PAUSED, BackendState.DISABLED, BackendState.REMOVED)) {
      SelfSuspicion after = s.observe(T0, List.of(change(3, T0, BackendState.DOWN, op)), POP);
      assertThat(after.frozen()).as("%s", op).doesNotContain("b3").hasSize(9);
      assertThat(after.suspected()).isTrue();
    }
  }

  @Test
  void thaws_when_every_frozen_backend_is_up_and_a_window_passed() {
    SelfSuspicion s = downs(SelfSuspicion.of(SETTINGS), 0, 10, T0);
    Instant t = T0.plusSeconds(3);
    List<Change> ups = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ups.add(change(i, t, BackendState.DOWN, BackendState.UP));
    }
    s = s.observe(t, ups, POP);
    assertThat(s.frozen()).isEmpty();
    assertThat(s.suspected()).as("not before a window since the evidence").isTrue();
    assertThat(s.nextDeadline()).contains(T0.plus(WINDOW));
    assertThat(s.tick(T0.plus(WINDOW).minusMillis(1)).suspected()).isTrue();
    SelfSuspicion thawed = s.tick(T0.plus(WINDOW));
    assertThat(thawed.suspected()).isFalse();
    assertThat(thawed.lastThaw()).contains(Thaw.AGREED);
    assertThat(thawed.nextDeadline()).isEmpty();
  }

  @Test
  void a_backend_still_down_keeps_it_until_hold_then_is_believed() {
    SelfSuspicion s = downs(SelfSuspicion.of(SETTINGS), 0, 10, T0);
    Instant t = T0.plusSeconds(3);
    List<Change> ups = new ArrayList<>();
    for (int i = 1; i < 10; i++) {
      ups.add(change(i, t, BackendState.DOWN, BackendState.UP));
    }
    s = s.observe(t, ups, POP);
    assertThat(s.frozen()).containsExactly("b0");
    assertThat(s.nextDeadline()).contains(T0.plusSeconds(60));
    assertThat(s.tick(T0.plusSeconds(59)).suspected()).isTrue();
    SelfSuspicion held = s.tick(T0.plusSeconds(60));
    assertThat(held.suspected()).isFalse();
    assertThat(held.frozen()).isEmpty();
    assertThat(held.lastThaw()).contains(Thaw.HELD);
    // the downs it held are spent: one more down does not suspect again
    Instant u = T0.plusSeconds(61);
    assertThat(held.observe(u, List.of(down(11, u)), POP).suspected()).isFalse();
  }

  @Test
  void an_operator_release_thaws_at_once() {
    SelfSuspicion s = downs(SelfSuspicion.of(SETTINGS), 0, 10, T0);
    SelfSuspicion r = s.release();
    assertThat(r.suspected()).isFalse();
    assertThat(r.frozen()).isEmpty();
    assertThat(r.lastThaw()).contains(Thaw.RELEASED);
    SelfSuspicion quiet = SelfSuspicion.of(SETTINGS);
    assertThat(quiet.release()).isSameAs(quiet);
  }

  @Test
  void a_late_probe_start_is_a_stall() {
    SelfSuspicion s = SelfSuspicion.of(SETTINGS);
    s = s.late(T0, Duration.ofSeconds(2), POP); // at the threshold: fine
    assertThat(s.suspected()).isFalse();
    s = downs(s, 0, 3, T0.plusMillis(10)); // timeouts of the stall, before the late start is seen
    Instant t = T0.plusMillis(20);
    s = s.late(t, Duration.ofMillis(3500), POP);
    assertThat(s.suspected()).isTrue();
    SelfSuspicion.Evidence e = s.evidence().orElseThrow();
    assertThat(e.cause()).isEqualTo(Cause.STALL);
    assertThat(e.maxLateness()).isEqualTo(Duration.ofMillis(3500));
    assertThat(e.down()).isEqualTo(3);
    assertThat(s.frozen()).containsExactlyInAnyOrder("b0", "b1", "b2");
    // further timeouts of the stall are frozen too
    s = s.observe(t, List.of(down(7, t)), POP);
    assertThat(s.frozen()).contains("b7");
    // all come back: thaws a window after the last late start
    List<Change> ups = new ArrayList<>();
    for (int i : List.of(0, 1, 2, 7)) {
      ups.add(change(i, t, BackendState.DOWN, BackendState.UP));
    }
    s = s.observe(t.plusSeconds(1), ups, POP);
    s = s.late(t.plusSeconds(2), Duration.ofSeconds(3), POP); // another late start: more evidence
    assertThat(s.tick(t.plusSeconds(2).plus(WINDOW).minusMillis(1)).suspected()).isTrue();
    assertThat(s.tick(t.plusSeconds(2).plus(WINDOW)).lastThaw()).contains(Thaw.AGREED);
  }

  @Test
  void a_storm_reports_the_recent_lateness() {
    SelfSuspicion s = SelfSuspicion.of(SETTINGS).late(T0, Duration.ofMillis(800), POP);
    s = s.late(T0.plusMillis(1), Duration.ofMillis(300), POP);
    s = downs(s, 0, 10, T0.plusSeconds(1));
    assertThat(s.evidence().orElseThrow().maxLateness()).isEqualTo(Duration.ofMillis(800));
    SelfSuspicion old = SelfSuspicion.of(SETTINGS).late(T0, Duration.ofMillis(800), POP);
    old = downs(old, 0, 10, T0.plus(WINDOW).plusSeconds(1));
    assertThat(old.evidence().orElseThrow().maxLateness()).isEqualTo(Duration.ZERO);
  }

  @Test
  void disabled_never_suspects_and_disabling_releases() {
    Settings off =
        new Settings(false, 5, 50, WINDOW, Duration.ofSeconds(2), Duration.ofSeconds(60));
    SelfSuspicion fresh = SelfSuspicion.of(off);
    assertThat(fresh.inert()).isTrue(); // callers skip the bookkeeping altogether
    SelfSuspicion s = downs(fresh, 0, 20, T0);
    assertThat(s).isSameAs(fresh); // nothing kept while off: no cost per transition
    assertThat(s.suspected()).isFalse();
    assertThat(s.late(T0, Duration.ofMinutes(1), POP).suspected()).isFalse();
    SelfSuspicion on = downs(SelfSuspicion.of(SETTINGS), 0, 10, T0);
    SelfSuspicion now = on.withSettings(off);
    assertThat(now.suspected()).isFalse();
    assertThat(now.lastThaw()).contains(Thaw.RELEASED);
    assertThat(on.inert()).isFalse();
    assertThat(on.withSettings(SETTINGS).frozen()).isEqualTo(on.frozen());
  }

  @Test
  void thresholds_are_checked_with_clear_messages() {
    Duration s = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new Settings(true, 0, 50, s, s, s))
        .hasMessage("min-backends: 0 (expected: >= 1)");
    assertThatThrownBy(() -> new Settings(true, 5, 0, s, s, s))
        .hasMessage("share: 0 (expected: 1-100)");
    assertThatThrownBy(() -> new Settings(true, 5, 101, s, s, s))
        .hasMessage("share: 101 (expected: 1-100)");
    assertThatThrownBy(() -> new Settings(true, 5, 50, Duration.ZERO, s, s))
        .hasMessageContaining("above 0");
  }

  @Test
  void defaults_follow_the_shortest_interval_and_timeout() {
    Settings d = Settings.defaults(Duration.ofSeconds(2), Duration.ofSeconds(1));
    assertThat(d)
        .isEqualTo(
            new Settings(
                true, 5, 50, Duration.ofSeconds(6), Duration.ofSeconds(2), Duration.ofSeconds(60)));
    assertThat(Settings.defaults(Duration.ofSeconds(1), Duration.ofMillis(100)).maxLateness())
        .isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void ranges_are_slash_24_and_slash_64() {
    assertThat(SelfSuspicion.range(addr("198.18.0.1")))
        .isEqualTo(SelfSuspicion.range(addr("198.18.0.254")))
        .isNotEqualTo(SelfSuspicion.range(addr("198.18.1.1")));
    assertThat(SelfSuspicion.range(addr("2001:db8:0:1::1")))
        .isEqualTo(SelfSuspicion.range(addr("2001:db8:0:1:ffff::2")))
        .isNotEqualTo(SelfSuspicion.range(addr("2001:db8:0:2::1")));
    assertThat(
            SelfSuspicion.ranges(
                List.of(addr("198.18.0.1"), addr("198.18.0.2"), addr("198.18.1.1"), addr("::1"))))
        .isEqualTo(3);
  }
}
