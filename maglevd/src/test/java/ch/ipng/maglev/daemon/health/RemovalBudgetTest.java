package ch.ipng.maglev.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.ipng.maglev.daemon.health.EffectiveWeights.Memory;
import ch.ipng.maglev.daemon.health.EffectiveWeights.Mode;
import ch.ipng.maglev.daemon.health.EffectiveWeights.Policy;
import ch.ipng.maglev.daemon.health.EffectiveWeights.View;
import ch.ipng.maglev.daemon.health.RemovalBudget.Release;
import ch.ipng.maglev.daemon.health.RemovalBudget.Settings;
import ch.ipng.maglev.daemon.health.RemovalBudget.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The removal budget (max-drain): the pure rule with a fixed clock, by example and exhaustively
 * against every reason it can meet (paused, disabled, pool failover, panic, keep-last, frozen).
 */
class RemovalBudgetTest {
  private static final BackendState UP = BackendState.UP;
  private static final BackendState DOWN = BackendState.DOWN;
  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final Settings HALF = new Settings(50, WINDOW);

  /** A frontend: pools, states, policy, self-suspicion's frozen set; mutable between steps. */
  private static final class Frontend {
    final List<Map<String, Integer>> pools = new ArrayList<>();
    final Map<String, BackendState> states = new HashMap<>();
    Policy policy = Policy.DEFAULT;
    Set<String> frozen = Set.of();
    Memory memory = Memory.NONE;
    RemovalBudget budget;
    @Nullable View view;

    Frontend(Settings settings, List<Map<String, Integer>> pools) {
      this.pools.addAll(pools);
      for (Map<String, Integer> p : pools) {
        p.keySet().forEach(b -> states.put(b, UP));
      }
      budget = RemovalBudget.of(settings);
    }

    View compute(Set<String> held) {
      Set<String> kept = new HashSet<>(frozen);
      kept.addAll(held);
      Policy p = held.isEmpty() ? policy : RemovalBudget.whileHolding(policy);
      View v = EffectiveWeights.compute(pools, states::get, true, p, memory, kept);
      return RemovalBudget.label(v, held, frozen);
    }

    Step step(Instant now) {
      Step s = budget.step(now, view, states::get, this::compute);
      budget = s.budget();
      view = s.view();
      memory = s.view().memory();
      return s;
    }

    Frontend set(BackendState s, String... backends) {
      for (String b : backends) {
        states.put(b, s);
      }
      return this;
    }

    int weight(String backend) {
      int w = 0;
      for (Map<String, EffectiveWeights.Weight> p : view.pools()) {
        EffectiveWeights.Weight x = p.get(backend);
        w += x == null ? 0 : x.weight();
      }
      return w;
    }

    WeightReason reason(String backend) {
      for (Map<String, WeightReason> p : view.reasons()) {
        WeightReason r = p.get(backend);
        if (r != null) {
          return r;
        }
      }
      throw new AssertionError("no backend " + backend);
    }
  }

  private static Map<String, Integer> pool(Object... nameWeight) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < nameWeight.length; i += 2) {
      m.put((String) nameWeight[i], (Integer) nameWeight[i + 1]);
    }
    return m;
  }

  /** Four backends of weight 100 in one pool, all up and published once. */
  private static Frontend four(Settings s) {
    Frontend f = new Frontend(s, List.of(pool("a", 100, "b", 100, "c", 100, "d", 100)));
    f.step(T0);
    return f;
  }

  @Test
  void threeOfFourFail_twoDrainAndTheThirdIsHeldAtItsWeight() {
    Frontend f = four(HALF);
    Step s = f.set(DOWN, "a", "b", "c").step(T0);
    assertThat(f.weight("a")).isZero();
    assertThat(f.weight("b")).isZero();
    assertThat(f.weight("c")).isEqualTo(100);
    assertThat(f.reason("a")).isEqualTo(WeightReason.DOWN);
    assertThat(f.reason("c")).isEqualTo(WeightReason.HELD);
    assertThat(f.reason("d")).isEqualTo(WeightReason.CONFIGURED);
    assertThat(f.budget.held()).containsExactly("c");
    assertThat(f.budget.drains())
        .extracting(RemovalBudget.Drain::backend)
        .containsExactly("a", "b");
    assertThat(s.events()).containsExactly(new RemovalBudget.Event("c", true, null, 100, 200, 400));
    assertThat(f.view.state()).isEqualTo(FrontendState.UP);
    assertThat(f.budget.nextDeadline()).contains(T0.plus(WINDOW));
  }

  @Test
  void heldBackend_drainsWhenTheWindowPasses_notBefore() {
    Frontend f = four(HALF);
    f.set(DOWN, "a", "b", "c").step(T0);
    assertThat(f.step(T0.plus(WINDOW).minusNanos(1)).events()).isEmpty();
    assertThat(f.reason("c")).isEqualTo(WeightReason.HELD);
    Step s = f.step(T0.plus(WINDOW));
    assertThat(f.weight("c")).isZero();
    assertThat(f.reason("c")).isEqualTo(WeightReason.DOWN);
    assertThat(f.budget.held()).isEmpty();
    assertThat(f.budget.nextDeadline()).isEmpty();
    assertThat(s.events())
        .extracting(e -> e.backend() + " " + e.release())
        .containsExactly("c WINDOW");
    // c counts from now: d, the last one serving, failing a second later is held
    f.set(DOWN, "d").step(T0.plus(WINDOW).plusSeconds(1));
    assertThat(f.reason("d")).isEqualTo(WeightReason.HELD);
    assertThat(f.view.state()).isEqualTo(FrontendState.UP);
  }

  @Test
  void slidingWindow_eachRemovalCountsForAWindowFromItsOwnTime() {
    Frontend f = four(HALF);
    f.set(DOWN, "a").step(T0);
    f.set(DOWN, "b").step(T0.plusSeconds(4));
    f.set(DOWN, "c").step(T0.plusSeconds(8));
    assertThat(f.budget.held()).containsExactly("c");
    assertThat(f.budget.nextDeadline()).contains(T0.plus(WINDOW));
    // a left the window: b (100) + c (100) of capacity 300 (200 serving + b) is 66 % > 50 %
    assertThat(f.step(T0.plus(WINDOW)).events()).isEmpty();
    assertThat(f.reason("c")).isEqualTo(WeightReason.HELD);
    assertThat(f.budget.nextDeadline()).contains(T0.plusSeconds(4).plus(WINDOW));
    f.step(T0.plusSeconds(4).plus(WINDOW));
    assertThat(f.reason("c")).isEqualTo(WeightReason.DOWN);
  }

  @Test
  void capacityIsWeight_aLightBackendFitsWhereAHeavyOneDoesNot() {
    Frontend f = new Frontend(HALF, List.of(pool("a", 100, "b", 100, "light", 10, "heavy", 100)));
    f.step(T0);
    f.set(DOWN, "a").step(T0); // first: always
    f.set(DOWN, "light", "heavy").step(T0.plusSeconds(1));
    // capacity 310: a 100 + light 10 = 110 <= 155; + heavy 100 = 210 > 155
    assertThat(f.weight("light")).isZero();
    assertThat(f.reason("heavy")).isEqualTo(WeightReason.HELD);
  }

  @Test
  void firstRemovalOfAWindowAlwaysGoes_evenOverTheBudget() {
    Frontend f = new Frontend(new Settings(10, WINDOW), List.of(pool("a", 100, "b", 10)));
    f.step(T0);
    f.set(DOWN, "a").step(T0);
    assertThat(f.weight("a")).isZero();
    assertThat(f.reason("a")).isEqualTo(WeightReason.DOWN);
    // and a lone backend drains as without a budget
    Frontend lone = new Frontend(HALF, List.of(pool("x", 100)));
    lone.step(T0);
    lone.set(DOWN, "x").step(T0);
    assertThat(lone.weight("x")).isZero();
    assertThat(lone.view.state()).isEqualTo(FrontendState.DOWN);
  }

  @Test
  void operatorRelease_drainsAtOnce_isNotCounted_andIsNotHeldAgainWhileDown() {
    Frontend f = four(HALF);
    f.set(DOWN, "a", "b", "c").step(T0);
    f.budget = f.budget.release();
    Step s = f.step(T0.plusSeconds(1));
    assertThat(f.weight("c")).isZero();
    assertThat(f.reason("c")).isEqualTo(WeightReason.DOWN);
    assertThat(s.events()).isEmpty(); // the caller tells the operator's release
    assertThat(f.budget.drains())
        .extracting(RemovalBudget.Drain::backend)
        .containsExactly("a", "b");
    assertThat(f.step(T0.plusSeconds(2)).view().reasons().get(0).get("c"))
        .isEqualTo(WeightReason.DOWN);
    // up again, then down again: a new removal, weighed as any
    f.set(UP, "c").step(T0.plusSeconds(3));
    assertThat(f.weight("c")).isEqualTo(100);
    f.set(DOWN, "c").step(T0.plusSeconds(4));
    assertThat(f.reason("c")).isEqualTo(WeightReason.HELD);
  }

  @Test
  void releaseWithNothingHeld_isTheSameBudget() {
    RemovalBudget b = RemovalBudget.of(HALF);
    assertThat(b.release()).isSameAs(b);
  }

  @Test
  void operatorPauseOrDisableOfAHeldBackend_appliesAtOnceAndIsNotCounted() {
    for (BackendState op : List.of(BackendState.PAUSED, BackendState.DISABLED)) {
      Frontend f = four(HALF);
      f.set(DOWN, "a", "b", "c").step(T0);
      Step s = f.set(op, "c").step(T0.plusSeconds(1));
      assertThat(f.weight("c")).as(op.label()).isZero();
      assertThat(f.reason("c")).isEqualTo(EffectiveWeights.reason(op, true));
      assertThat(f.budget.held()).isEmpty();
      assertThat(f.budget.drains()).hasSize(2);
      assertThat(s.events())
          .extracting(RemovalBudget.Event::release)
          .containsExactly(Release.CLEARED);
    }
  }

  @Test
  void operatorPauseOfAnUpBackend_isNotARemoval_andLeavesTheBudgetWhole() {
    Frontend f = four(HALF);
    f.set(BackendState.PAUSED, "a", "b", "c").step(T0);
    assertThat(f.budget.drains()).isEmpty();
    f.set(DOWN, "d").step(T0); // the first removal of the window
    assertThat(f.weight("d")).isZero();
  }

  @Test
  void operatorWeightOnAHeldBackend_appliesAtOnce() {
    Frontend f = four(HALF);
    f.set(DOWN, "a", "b", "c").step(T0);
    f.pools.set(0, pool("a", 100, "b", 100, "c", 40, "d", 100));
    f.step(T0.plusSeconds(1));
    assertThat(f.weight("c")).isEqualTo(40);
    assertThat(f.reason("c")).isEqualTo(WeightReason.HELD);
    f.pools.set(0, pool("a", 100, "b", 100, "c", 0, "d", 100));
    Step s = f.step(T0.plusSeconds(2));
    assertThat(f.weight("c")).isZero();
    assertThat(f.budget.held()).isEmpty();
    assertThat(s.events())
        .extracting(RemovalBudget.Event::release)
        .containsExactly(Release.CLEARED);
    assertThat(f.budget.drains()).hasSize(2);
  }

  @Test
  void backendUpAgain_leavesTheHoldWithoutAFlap() {
    Frontend f = four(HALF);
    f.set(DOWN, "a", "b", "c").step(T0);
    Step s = f.set(UP, "c").step(T0.plusSeconds(1));
    assertThat(f.weight("c")).isEqualTo(100);
    assertThat(f.reason("c")).isEqualTo(WeightReason.CONFIGURED);
    assertThat(s.events())
        .extracting(RemovalBudget.Event::release)
        .containsExactly(Release.CLEARED);
  }

  @Test
  void poolFailover_toAHealthyPool_goesAheadAndIsNotCounted() {
    Frontend f =
        new Frontend(HALF, List.of(pool("a1", 100, "a2", 100), pool("b1", 100, "b2", 100)));
    f.step(T0);
    f.set(DOWN, "a1", "a2").step(T0);
    assertThat(f.view.activePool()).isEqualTo(1);
    assertThat(f.weight("a2")).isZero();
    assertThat(f.weight("b1")).isEqualTo(100);
    assertThat(f.budget.held()).isEmpty();
    assertThat(f.budget.drains()).isEmpty();
  }

  @Test
  void poolFailover_releasesWhatThePrimaryHeld() {
    Frontend f =
        new Frontend(HALF, List.of(pool("a1", 100, "a2", 100, "a3", 100), pool("b1", 100)));
    f.step(T0);
    f.set(DOWN, "a1", "a2").step(T0);
    assertThat(f.budget.held()).containsExactly("a2");
    assertThat(f.view.activePool()).isZero();
    Step s = f.set(DOWN, "a3").step(T0.plusSeconds(1));
    assertThat(f.view.activePool()).isEqualTo(1);
    assertThat(f.budget.held()).isEmpty();
    assertThat(s.events())
        .extracting(RemovalBudget.Event::release)
        .containsExactly(Release.FAILOVER);
  }

  @Test
  void noHealthyFallback_theBudgetKeepsThePrimaryServing() {
    Frontend f = new Frontend(HALF, List.of(pool("a1", 100, "a2", 100), pool("b1", 100)));
    f.set(DOWN, "b1").step(T0);
    f.view = null; // nothing published yet: nothing is a removal
    f.step(T0);
    f.set(DOWN, "a1", "a2").step(T0);
    assertThat(f.view.activePool()).isZero();
    assertThat(f.reason("a2")).isEqualTo(WeightReason.HELD);
    assertThat(f.view.state()).isEqualTo(FrontendState.UP);
  }

  @Test
  void panic_keepsDownBackendsItself_andEndsAHold() {
    Frontend f = four(HALF);
    f.policy = new Policy(75, false);
    f.set(DOWN, "a").step(T0);
    assertThat(f.weight("a")).isZero(); // 3 of 4 = 75 %: healthy enough, the first removal
    f.set(DOWN, "b").step(T0.plusSeconds(1));
    assertThat(f.view.mode()).isEqualTo(Mode.PANIC);
    assertThat(f.reason("b")).isEqualTo(WeightReason.PANIC);
    assertThat(f.budget.held()).isEmpty();
    // a hold that panic overtakes ends: panic gives it weight anyway
    Frontend g = four(new Settings(25, WINDOW));
    g.policy = new Policy(50, false);
    g.set(DOWN, "a").step(T0);
    g.set(DOWN, "b").step(T0.plusSeconds(1));
    assertThat(g.reason("b")).isEqualTo(WeightReason.HELD);
    Step s = g.set(DOWN, "c").step(T0.plusSeconds(2));
    assertThat(g.view.mode()).isEqualTo(Mode.PANIC);
    assertThat(g.reason("b")).isEqualTo(WeightReason.PANIC);
    assertThat(g.reason("c")).isEqualTo(WeightReason.PANIC);
    assertThat(s.events())
        .extracting(RemovalBudget.Event::release)
        .containsExactly(Release.CLEARED);
  }

  @Test
  void aHoldNeverStartsAPanic_theDrainedStayDrained() {
    // all of a pool down but for a paused one: health alone drains all (nothing up, no panic);
    // the budget holds b and c, and they must not make the pool panic and bring a back
    Frontend f = four(new Settings(25, WINDOW));
    f.policy = new Policy(60, false);
    f.set(BackendState.PAUSED, "d").set(DOWN, "a", "b", "c").step(T0);
    assertThat(f.view.mode()).isEqualTo(Mode.NORMAL);
    assertThat(f.reason("a")).isEqualTo(WeightReason.DOWN);
    assertThat(f.reason("b")).isEqualTo(WeightReason.HELD);
    assertThat(f.reason("c")).isEqualTo(WeightReason.HELD);
    assertThat(f.weight("a")).isZero();
    // the window passes: the oldest held goes, and nothing else changes hands
    f.step(T0.plus(WINDOW));
    assertThat(f.reason("b")).isEqualTo(WeightReason.DOWN);
    assertThat(f.reason("c")).isEqualTo(WeightReason.HELD);
    assertThat(f.budget.held()).containsExactly("c");
  }

  @Test
  void keepLast_allDownKeepsTheHeldAndTheLastServing_drainHoldsOverTheBudget() {
    Frontend f = four(HALF);
    f.policy = new Policy(0, true);
    f.set(DOWN, "a", "b", "c").step(T0);
    assertThat(f.reason("c")).isEqualTo(WeightReason.HELD);
    Step s = f.set(DOWN, "d").step(T0.plusSeconds(1));
    assertThat(f.view.mode()).isEqualTo(Mode.KEPT_LAST);
    assertThat(f.reason("c")).isEqualTo(WeightReason.KEPT_LAST);
    assertThat(f.reason("d")).isEqualTo(WeightReason.KEPT_LAST);
    assertThat(f.budget.held()).isEmpty();
    assertThat(s.events())
        .extracting(RemovalBudget.Event::release)
        .containsExactly(Release.CLEARED);
    // with drain, the budget alone keeps the VIP from going dark
    Frontend g = four(HALF);
    g.set(DOWN, "a", "b", "c", "d").step(T0);
    assertThat(g.budget.held()).containsExactly("c", "d");
    assertThat(g.view.state()).isEqualTo(FrontendState.UP);
  }

  @Test
  void frozenBackends_areNoRemovals_untilTheSuspicionLifts() {
    Frontend f = four(HALF);
    f.frozen = Set.of("a", "b", "c");
    f.set(DOWN, "a", "b", "c").step(T0);
    assertThat(f.reason("c")).isEqualTo(WeightReason.FROZEN);
    assertThat(f.budget.held()).isEmpty();
    assertThat(f.budget.drains()).isEmpty();
    // a held backend that becomes frozen says frozen, and held again after the thaw
    f.frozen = Set.of();
    f.step(T0.plusSeconds(1));
    assertThat(f.budget.held()).containsExactly("c");
    f.frozen = Set.of("c");
    f.step(T0.plusSeconds(2));
    assertThat(f.reason("c")).isEqualTo(WeightReason.FROZEN);
    f.frozen = Set.of();
    f.step(T0.plusSeconds(3));
    assertThat(f.reason("c")).isEqualTo(WeightReason.HELD);
  }

  @Test
  void turnedOff_releasesEverything_andThenIsInert() {
    Frontend f = four(HALF);
    f.set(DOWN, "a", "b", "c").step(T0);
    f.budget = f.budget.withSettings(Settings.OFF);
    Step s = f.step(T0.plusSeconds(1));
    assertThat(f.weight("c")).isZero();
    assertThat(s.events())
        .extracting(RemovalBudget.Event::release)
        .containsExactly(Release.CLEARED);
    f.step(T0.plus(WINDOW));
    assertThat(f.budget.inert()).isTrue();
  }

  @Test
  void settings_refuseValuesOutOfRange() {
    assertThatThrownBy(() -> new Settings(101, WINDOW))
        .hasMessage("max-drain: 101 (expected: 0-100)");
    assertThatThrownBy(() -> new Settings(50, Duration.ZERO))
        .hasMessageContaining("max-drain-window");
    assertThat(Settings.OFF.enabled()).isFalse();
  }

  // ------------------------------------------------------------------ exhaustive

  private static final List<String> NAMES = List.of("a1", "a2", "a3", "b1");
  private static final List<BackendState> STATES =
      List.of(UP, DOWN, BackendState.PAUSED, BackendState.DISABLED, BackendState.UNKNOWN);

  /**
   * Every combination of the states of a primary {a1 100, a2 50, a3 100} and a fallback {b1 100},
   * self-suspicion freezing none, a1 or a1+a2, min-healthy off or 60 %, drain or keep-last, and
   * max-drain 25, 50 or 100 %, from all up; then, for every outcome that holds a backend, each
   * thing that can happen to it next. Every view keeps the rule's promises.
   */
  @Test
  void everyCombination_keepsTheBudgetsPromises() {
    int cases = 0;
    int held = 0;
    for (int code = 0; code < 625; code++) {
      Map<String, BackendState> after = new HashMap<>();
      int c = code;
      for (String n : NAMES) {
        after.put(n, STATES.get(c % 5));
        c /= 5;
      }
      for (Set<String> frozen : List.of(Set.<String>of(), Set.of("a1"), Set.of("a1", "a2"))) {
        for (Policy policy :
            List.of(
                Policy.DEFAULT, new Policy(60, false), new Policy(0, true), new Policy(60, true))) {
          for (int maxDrain : new int[] {25, 50, 100}) {
            Frontend f =
                new Frontend(
                    new Settings(maxDrain, WINDOW),
                    List.of(pool("a1", 100, "a2", 50, "a3", 100), pool("b1", 100)));
            f.policy = policy;
            f.frozen = frozen;
            f.step(T0);
            View before = f.view;
            f.states.putAll(after);
            Step s = f.step(T0.plusSeconds(1));
            check(f, before, s, T0.plusSeconds(1), false);
            cases++;
            for (String h : f.budget.held()) {
              held++;
              for (int next = 0; next < 6; next++) {
                Frontend g =
                    new Frontend(
                        new Settings(maxDrain, WINDOW),
                        List.of(pool("a1", 100, "a2", 50, "a3", 100), pool("b1", 100)));
                g.policy = policy;
                g.frozen = frozen;
                g.states.putAll(f.states);
                g.budget = f.budget;
                g.view = f.view;
                g.memory = f.memory;
                Instant when = T0.plusSeconds(2);
                switch (next) {
                  case 0 -> g.set(UP, h);
                  case 1 -> g.set(BackendState.PAUSED, h);
                  case 2 -> g.set(BackendState.DISABLED, h);
                  case 3 -> g.budget = g.budget.release();
                  case 4 -> when = T0.plusSeconds(1).plus(WINDOW);
                  default -> {
                    Set<String> more = new HashSet<>(frozen);
                    more.add(h);
                    g.frozen = Set.copyOf(more);
                  }
                }
                View was = g.view;
                Step t = g.step(when);
                check(g, was, t, when, next == 3);
                switch (next) {
                  case 0 -> assertThat(g.reason(h)).isNotEqualTo(WeightReason.HELD);
                  case 1, 2 -> assertThat(g.weight(h)).isZero();
                  case 3 -> {
                    // released: drained, unless panic or keep-last now keep it themselves
                    assertThat(g.reason(h)).isNotEqualTo(WeightReason.HELD);
                    if (g.weight(h) > 0) {
                      assertThat(g.reason(h)).isIn(WeightReason.PANIC, WeightReason.KEPT_LAST);
                    }
                  }
                  case 4 ->
                      // the window is past: the oldest held goes, as the first of the window
                      assertThat(g.budget.held())
                          .doesNotContain(f.budget.held().iterator().next())
                          .hasSizeLessThan(f.budget.held().size());
                  default -> {
                    // frozen now: it keeps its weight, as frozen (or panic says so first)
                    assertThat(g.weight(h)).isPositive();
                    assertThat(g.reason(h)).isIn(WeightReason.FROZEN, WeightReason.PANIC);
                  }
                }
                cases++;
              }
            }
          }
        }
      }
    }
    assertThat(cases).isGreaterThan(22_500);
    assertThat(held).isPositive();
  }

  /**
   * The rule's promises for one step from {@code before} to {@code f.view} at {@code now}; {@code
   * released}: an operator released the holds just before.
   */
  private static void check(Frontend f, View before, Step s, Instant now, boolean released) {
    View v = f.view;
    RemovalBudget b = s.budget();
    Map<String, Integer> was = served(before);
    Map<String, Integer> is = served(v);
    View alone = f.compute(Set.of());
    for (String n : NAMES) {
      BackendState st = f.states.get(n);
      for (int p = 0; p < v.reasons().size(); p++) {
        WeightReason r = v.reasons().get(p).get(n);
        if (r == null) {
          continue;
        }
        if (r == WeightReason.HELD) {
          // held: only a down, unfrozen backend the budget holds, at its pool weight
          assertThat(st).isEqualTo(DOWN);
          assertThat(f.frozen).doesNotContain(n);
          assertThat(b.held()).contains(n);
          assertThat(v.pools().get(p).get(n).weight())
              .isEqualTo(f.pools.get(p).get(n))
              .isPositive();
        }
        if (st == BackendState.PAUSED || st == BackendState.DISABLED) {
          // operator actions apply at once, whatever the budget holds
          assertThat(v.pools().get(p).get(n).weight()).isZero();
          assertThat(r).isIn(WeightReason.PAUSED, WeightReason.DISABLED);
        }
      }
      if (b.held().contains(n)) {
        assertThat(st).isEqualTo(DOWN);
        assertThat(is.getOrDefault(n, 0)).isPositive();
      }
    }
    long capacity = 0;
    for (int w : was.values()) {
      capacity += w;
    }
    long counted = 0;
    boolean countedNow = false;
    Set<String> drainedNow = new HashSet<>();
    for (RemovalBudget.Drain d : b.drains()) {
      counted += d.weight();
      if (d.time().equals(now)) {
        countedNow = true;
        drainedNow.add(d.backend());
      } else {
        capacity += d.weight(); // removed earlier in the window: part of the capacity
      }
    }
    long max = (long) b.settings().maxDrain() * capacity;
    boolean failover =
        alone.mode() == Mode.NORMAL
            && alone.activePool() >= 0
            && alone.activePool() != before.activePool();
    if (b.settings().enabled() && !failover && !released) {
      // every health removal of this step is counted, and together they fit the budget unless
      // one alone opened the window
      for (String n : NAMES) {
        if (f.states.get(n) == DOWN && was.getOrDefault(n, 0) > 0 && is.getOrDefault(n, 0) == 0) {
          assertThat(drainedNow).as("removal of %s counted", n).contains(n);
        }
      }
      if (countedNow && b.drains().size() > 1) {
        assertThat(counted * 100).isLessThanOrEqualTo(max);
      }
    }
    // the budget never holds what fits: each held removal would exceed it
    for (String h : b.held()) {
      assertThat(b.drains()).isNotEmpty();
      assertThat((counted + was.getOrDefault(h, 0)) * 100).isGreaterThan(max);
    }
    // failover to a healthy pool is never held back
    if (alone.mode() == Mode.NORMAL && alone.activePool() >= 0) {
      assertThat(v.activePool()).isEqualTo(alone.activePool());
    }
    // with nothing held, the view is what health alone says
    if (b.held().isEmpty()) {
      assertThat(v.pools()).isEqualTo(alone.pools());
      assertThat(v.reasons()).isEqualTo(alone.reasons());
    }
  }

  private static Map<String, Integer> served(View v) {
    Map<String, Integer> out = new HashMap<>();
    for (Map<String, EffectiveWeights.Weight> p : v.pools()) {
      p.forEach((b, w) -> out.merge(b, w.weight(), Integer::sum));
    }
    return out;
  }
}
