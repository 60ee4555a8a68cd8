package ch.ipng.maglev.daemon.health;

import static ch.ipng.maglev.daemon.health.BackendState.DISABLED;
import static ch.ipng.maglev.daemon.health.BackendState.DOWN;
import static ch.ipng.maglev.daemon.health.BackendState.PAUSED;
import static ch.ipng.maglev.daemon.health.BackendState.UNKNOWN;
import static ch.ipng.maglev.daemon.health.BackendState.UP;
import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.vpp.maglev.MaglevTable;
import com.google.common.net.InetAddresses;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The slow-start rule with a fixed clock, its churn measured with the lb plugin's Maglev table
 * (1,024 buckets) over the frontend's effective weights.
 */
class SlowStartTest {
  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");
  private static final Duration RAMP = Duration.ofSeconds(10);

  /** The VIP's table: backend "bN" has address 10.0.0.N; its weight is its largest in any pool. */
  static int[] table(EffectiveWeights.View view) {
    Map<String, Integer> weights = new HashMap<>();
    for (Map<String, EffectiveWeights.Weight> p : view.pools()) {
      p.forEach((b, w) -> weights.merge(b, w.weight(), Math::max));
    }
    List<MaglevTable.Server> servers = new ArrayList<>();
    weights.forEach(
        (b, w) -> {
          int n = Integer.parseInt(b.substring(1));
          servers.add(new MaglevTable.Server(n, InetAddresses.forString("10.0.0." + n), w, true));
        });
    return MaglevTable.compute(1024, servers);
  }

  /** A frontend "web" as the model would show it: its pools, states and options. */
  private static final class Web {
    final List<Map<String, Integer>> pools = new ArrayList<>();
    final Map<String, BackendState> states = new LinkedHashMap<>();
    Set<String> frozen = Set.of();
    EffectiveWeights.Policy policy = EffectiveWeights.Policy.DEFAULT;
    EffectiveWeights.Memory memory = EffectiveWeights.Memory.NONE;
    Duration slowStart = RAMP;
    int maxChurn = 10;

    Web pool(Object... backendAndWeight) {
      Map<String, Integer> p = new LinkedHashMap<>();
      for (int i = 0; i < backendAndWeight.length; i += 2) {
        p.put((String) backendAndWeight[i], (Integer) backendAndWeight[i + 1]);
        states.putIfAbsent((String) backendAndWeight[i], UP);
      }
      pools.add(p);
      return this;
    }

    Web state(String b, BackendState s) {
      states.put(b, s);
      return this;
    }

    EffectiveWeights.View uncapped() {
      EffectiveWeights.View v =
          EffectiveWeights.compute(pools, states::get, true, policy, memory, frozen);
      memory = v.memory();
      return v;
    }

    SlowStart.Frontend facts(SlowStart ss) {
      Map<String, Duration> d = new HashMap<>();
      states.keySet().forEach(b -> d.put(b, slowStart));
      List<Map<String, Integer>> targets = new ArrayList<>();
      pools.forEach(p -> targets.add(Map.copyOf(p)));
      return new SlowStart.Frontend(
          "web", SlowStart.cap(uncapped(), ss.ramps("web")), targets, states, d, maxChurn);
    }
  }

  /** Applies one change to {@code web} and runs the rule over it. */
  private static SlowStart change(
      SlowStart ss, Instant now, Web web, java.util.function.Consumer<Web> change) {
    SlowStart.Frontend before = web.facts(ss);
    change.accept(web);
    return ss.changed(now, before, web.facts(ss));
  }

  private static SlowStart.@Nullable Ramp ramp(SlowStart ss, String b) {
    return ss.ramps("web").get(b);
  }

  /** Two serving backends and b3, seen down: the usual start. */
  private static Web threeWithB3Down() {
    return new Web().pool("b1", 100, "b2", 100, "b3", 100).state("b3", DOWN);
  }

  private static SlowStart seen(Web web) {
    SlowStart.Frontend f = web.facts(SlowStart.none());
    return SlowStart.none().changed(T0.minusSeconds(60), f, f);
  }

  /** Every backend seen (as if each had been down once). */
  private static SlowStart seenAll(Web web) {
    Map<String, BackendState> saved = new LinkedHashMap<>(web.states);
    web.states.replaceAll((b, s) -> DOWN);
    SlowStart ss = seen(web);
    web.states.putAll(saved);
    return ss;
  }

  @Test
  void aBackendThatComesUp_startsAtWeightOneAtOnce() {
    Web web = threeWithB3Down();
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b3", UP));
    SlowStart.Ramp r = ramp(ss, "b3");
    assertThat(r).isNotNull();
    assertThat(r.weight()).isEqualTo(1);
    assertThat(r.target()).isEqualTo(100);
    assertThat(r.since()).isEqualTo(T0);
    assertThat(r.next()).isEqualTo(T0.plus(Duration.ofSeconds(1)));
    assertThat(r.left(T0.plusSeconds(4))).isEqualTo(Duration.ofSeconds(6));
    EffectiveWeights.View v = web.facts(ss).view();
    assertThat(v.pools().get(0).get("b3").weight()).isEqualTo(1);
    assertThat(v.reasons().get(0).get("b3")).isEqualTo(WeightReason.SLOW_START);
    assertThat(v.reasons().get(0).get("b1")).isEqualTo(WeightReason.CONFIGURED);
    assertThat(v.state()).isEqualTo(FrontendState.UP);
  }

  @Test
  void firstVerdictAfterStart_doesNotRamp() {
    Web web = new Web().pool("b1", 100, "b2", 100).state("b2", UNKNOWN);
    SlowStart ss = change(SlowStart.none(), T0, web, w -> w.state("b2", UP));
    assertThat(ss.ramping()).isFalse();
  }

  @Test
  void resumedAndEnabledBackends_rampOnceUp() {
    for (BackendState operator : List.of(PAUSED, DISABLED)) {
      Web web = new Web().pool("b1", 100, "b2", 100).state("b2", operator);
      SlowStart ss = seen(web);
      ss = change(ss, T0, web, w -> w.state("b2", UNKNOWN)); // resume, enable
      assertThat(ss.ramping()).isFalse();
      ss = change(ss, T0.plusSeconds(1), web, w -> w.state("b2", UP));
      assertThat(ramp(ss, "b2")).as(operator.label()).isNotNull();
      assertThat(ramp(ss, "b2").weight()).isEqualTo(1);
    }
  }

  @Test
  void slowStartOff_neverRamps() {
    Web web = threeWithB3Down();
    web.slowStart = Duration.ZERO;
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b3", UP));
    assertThat(ss.ramping()).isFalse();
    assertThat(web.facts(ss).view().pools().get(0).get("b3").weight()).isEqualTo(100);
  }

  @Test
  void aTargetOfOneOrZero_doesNotRamp() {
    Web web = new Web().pool("b1", 100, "b2", 1, "b3", 0).state("b2", DOWN).state("b3", DOWN);
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b2", UP).state("b3", UP));
    assertThat(ss.ramping()).isFalse();
  }

  /** Steps a ramp through to its end, checking each step's churn on the Maglev table. */
  private static List<SlowStart.Step> rampToTheEnd(Web web, SlowStart ss, String b, int maxTicks) {
    List<SlowStart.Step> steps = new ArrayList<>();
    Instant now = T0;
    for (int i = 0; i < maxTicks && ss.ramping(); i++) {
      now = ss.nextStep().orElseThrow();
      SlowStart.Frontend f = web.facts(ss);
      int[] before = table(f.view());
      List<SlowStart.Step> taken = new ArrayList<>();
      ss = ss.stepped(now, f, SlowStartTest::table, taken::add);
      int[] after = table(web.facts(ss).view());
      int moved = SlowStart.moved(before, after);
      int bound = web.maxChurn * 1024 / 100;
      if (taken.stream().noneMatch(SlowStart.Step::overBound)) {
        assertThat(moved).as("step %d at %s", i, now).isLessThanOrEqualTo(bound);
      } else {
        assertThat(taken)
            .singleElement()
            .satisfies(s -> assertThat(s.to()).isEqualTo(s.from() + 1));
      }
      assertThat(taken.stream().mapToInt(SlowStart.Step::moved).max().orElse(0)).isEqualTo(moved);
      steps.addAll(taken);
    }
    assertThat(ss.ramping()).as("ramp ended").isFalse();
    assertThat(web.facts(ss).view().pools().get(0).get(b).weight()).isEqualTo(100);
    assertThat(web.facts(ss).view().reasons().get(0).get(b)).isEqualTo(WeightReason.CONFIGURED);
    return steps;
  }

  @Test
  void aRamp_stepsEveryTenthToItsWeight_eachStepWithinTheBound() {
    Web web = threeWithB3Down();
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b3", UP));
    List<SlowStart.Step> steps = rampToTheEnd(web, ss, "b3", 100);
    assertThat(steps).noneMatch(SlowStart.Step::overBound);
    assertThat(steps.getFirst().from()).isEqualTo(1);
    assertThat(steps.getLast().to()).isEqualTo(100);
    for (int i = 1; i < steps.size(); i++) {
      assertThat(steps.get(i).from()).isEqualTo(steps.get(i - 1).to());
    }
    // at 10 % of 1,024 buckets the time line (a tenth of the weight per tick) is the limit, but
    // for the second and third steps: 10 -> 20 and 19 -> 30 would move more than 102 buckets
    assertThat(steps).hasSize(10);
    assertThat(steps.stream().map(SlowStart.Step::to))
        .containsExactly(10, 19, 29, 40, 50, 60, 70, 80, 90, 100);
    assertThat(movedBetween("b3", 10, 20)).isGreaterThan(102);
    assertThat(movedBetween("b3", 19, 30)).isGreaterThan(102);
    assertThat(movedBetween("b3", 10, 19)).isLessThanOrEqualTo(102);
  }

  /** Buckets moved when b3 of b1, b2, b3 (all 100) goes from weight {@code w0} to {@code w1}. */
  private static int movedBetween(String b, int w0, int w1) {
    Web web = new Web().pool("b1", 100, "b2", 100, b, w0);
    int[] before = table(web.uncapped());
    web.pools.get(0).put(b, w1);
    return SlowStart.moved(before, table(web.uncapped()));
  }

  @Test
  void aTightBound_slowsTheRampBeyondSlowStart_butEveryStepStaysWithin() {
    Web web = new Web().pool("b1", 100, "b2", 100, "b3", 100, "b4", 100).state("b4", DOWN);
    web.maxChurn = 2; // 20 buckets
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b4", UP));
    List<SlowStart.Step> steps = rampToTheEnd(web, ss, "b4", 1000);
    assertThat(steps.size()).isGreaterThan(10); // past slow-start: the bound held it back
    // where even one replica more moves over 20 buckets, +1 is taken (checked in rampToTheEnd)
    assertThat(steps.stream().filter(s -> !s.overBound()))
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.moved()).isLessThanOrEqualTo(20));
  }

  @Test
  void whenEvenTheSmallestStepExceedsTheBound_itIsTakenAnyway_onePerTick() {
    // b1 has weight 1: one replica more for b2 moves far more than 10 % of the buckets
    Web web = new Web().pool("b1", 2, "b2", 100).state("b2", DOWN);
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b2", UP));
    List<SlowStart.Step> steps = rampToTheEnd(web, ss, "b2", 1000);
    assertThat(steps).anyMatch(SlowStart.Step::overBound);
    assertThat(steps.stream().filter(SlowStart.Step::overBound))
        .allSatisfy(s -> assertThat(s.moved()).isGreaterThan(s.bound()));
  }

  @Test
  void aRampIntoAnEmptyVip_movesNothingAndEndsOnTime() {
    Web web = new Web().pool("b1", 100).state("b1", DOWN);
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b1", UP));
    // alone it carries every bucket at weight 1 already: every later step moves nothing
    List<SlowStart.Step> steps = rampToTheEnd(web, ss, "b1", 100);
    assertThat(steps).hasSize(10).allSatisfy(s -> assertThat(s.moved()).isZero());
  }

  @Test
  void twoRampsInOneVip_shareTheBoundPerStep() {
    Web web =
        new Web()
            .pool("b1", 100, "b2", 100, "b3", 100, "b4", 100)
            .state("b3", DOWN)
            .state("b4", DOWN);
    web.maxChurn = 5;
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b3", UP).state("b4", UP));
    assertThat(ss.ramps("web")).containsOnlyKeys("b3", "b4");
    Instant now = T0;
    for (int i = 0; i < 1000 && ss.ramping(); i++) {
      now = ss.nextStep().orElseThrow();
      SlowStart.Frontend f = web.facts(ss);
      int[] before = table(f.view());
      List<SlowStart.Step> taken = new ArrayList<>();
      ss = ss.stepped(now, f, SlowStartTest::table, taken::add);
      if (taken.stream().noneMatch(SlowStart.Step::overBound)) {
        assertThat(SlowStart.moved(before, table(web.facts(ss).view()))).isLessThanOrEqualTo(51);
      }
    }
    assertThat(ss.ramping()).isFalse();
  }

  @Test
  void aStepIsNotTakenBeforeItsTime() {
    Web web = threeWithB3Down();
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b3", UP));
    SlowStart same = ss.stepped(T0.plusMillis(999), web.facts(ss), SlowStartTest::table, s -> {});
    assertThat(same).isSameAs(ss);
  }

  @Test
  void goingDownMidRamp_endsIt_andTheNextUpStartsAgainFromOne() {
    Web web = threeWithB3Down();
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b3", UP));
    for (int i = 0; i < 4; i++) {
      ss = ss.stepped(ss.nextStep().orElseThrow(), web.facts(ss), SlowStartTest::table, s -> {});
    }
    assertThat(ramp(ss, "b3").weight()).isEqualTo(40);
    ss = change(ss, T0.plusSeconds(5), web, w -> w.state("b3", DOWN));
    assertThat(ss.ramping()).isFalse();
    assertThat(web.facts(ss).view().pools().get(0).get("b3").weight()).isZero();
    ss = change(ss, T0.plusSeconds(8), web, w -> w.state("b3", UP));
    assertThat(ramp(ss, "b3").weight()).isEqualTo(1);
    assertThat(ramp(ss, "b3").since()).isEqualTo(T0.plusSeconds(8));
  }

  @Test
  void pausingOrDisablingMidRamp_appliesAtOnce() {
    for (BackendState operator : List.of(PAUSED, DISABLED)) {
      Web web = threeWithB3Down();
      SlowStart ss = change(seen(web), T0, web, w -> w.state("b3", UP));
      ss = change(ss, T0.plusSeconds(1), web, w -> w.state("b3", operator));
      assertThat(ss.ramping()).isFalse();
      EffectiveWeights.View v = web.facts(ss).view();
      assertThat(v.pools().get(0).get("b3").weight()).isZero();
      assertThat(v.reasons().get(0).get("b3")).isEqualTo(EffectiveWeights.reason(operator, true));
    }
  }

  @Test
  void anOperatorWeightMidRamp_appliesAtOnce() {
    Web web = threeWithB3Down();
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b3", UP));
    ss = change(ss, T0.plusSeconds(1), web, w -> w.pools.get(0).put("b3", 60));
    assertThat(ss.ramping()).isFalse();
    assertThat(web.facts(ss).view().pools().get(0).get("b3").weight()).isEqualTo(60);
  }

  @Test
  void turningSlowStartOffMidRamp_endsIt() {
    Web web = threeWithB3Down();
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b3", UP));
    ss = change(ss, T0.plusSeconds(1), web, w -> w.slowStart = Duration.ZERO);
    assertThat(ss.ramping()).isFalse();
  }

  @Test
  void aBackendThatComesUpInPanic_carriesItsWeightAlready_andDoesNotRamp() {
    Web web = new Web().pool("b1", 100, "b2", 100, "b3", 100, "b4", 100);
    web.policy = new EffectiveWeights.Policy(75, false);
    web.state("b3", DOWN).state("b4", DOWN); // 2 of 4 up: panic, everyone carries weight
    SlowStart ss = seen(web);
    assertThat(web.facts(ss).view().mode()).isEqualTo(EffectiveWeights.Mode.PANIC);
    ss = change(ss, T0, web, w -> w.state("b3", UP)); // 3 of 4: panic ends
    assertThat(web.facts(ss).view().mode()).isEqualTo(EffectiveWeights.Mode.NORMAL);
    assertThat(ss.ramping()).isFalse();
    assertThat(web.facts(ss).view().pools().get(0).get("b3").weight()).isEqualTo(100);
  }

  @Test
  void aRampWhenPanicBegins_endsWithItsWeightCarried() {
    Web web = new Web().pool("b1", 100, "b2", 100, "b3", 100, "b4", 100).state("b4", DOWN);
    web.policy = new EffectiveWeights.Policy(75, false);
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b4", UP));
    assertThat(ramp(ss, "b4")).isNotNull();
    ss = change(ss, T0.plusSeconds(1), web, w -> w.state("b1", DOWN).state("b2", DOWN));
    EffectiveWeights.View v = web.facts(ss).view();
    assertThat(v.mode()).isEqualTo(EffectiveWeights.Mode.PANIC);
    assertThat(ss.ramping()).isFalse();
    assertThat(v.pools().get(0).get("b4").weight()).isEqualTo(100);
    assertThat(v.reasons().get(0).get("b4")).isEqualTo(WeightReason.PANIC);
  }

  @Test
  void aFrozenRamp_keepsItsWeightWithoutStepping_andGoesOnWhenUpAgain() {
    Web web = threeWithB3Down();
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b3", UP));
    ss = ss.stepped(ss.nextStep().orElseThrow(), web.facts(ss), SlowStartTest::table, s -> {});
    assertThat(ramp(ss, "b3").weight()).isEqualTo(10);
    ss =
        change(
            ss,
            T0.plusMillis(1500),
            web,
            w -> {
              w.state("b3", DOWN);
              w.frozen = Set.of("b3");
            });
    EffectiveWeights.View v = web.facts(ss).view();
    assertThat(v.reasons().get(0).get("b3")).isEqualTo(WeightReason.FROZEN);
    assertThat(v.pools().get(0).get("b3").weight()).isEqualTo(10); // not its pool weight
    List<SlowStart.Step> none = new ArrayList<>();
    ss = ss.stepped(ss.nextStep().orElseThrow(), web.facts(ss), SlowStartTest::table, none::add);
    assertThat(none).isEmpty();
    assertThat(ramp(ss, "b3").weight()).isEqualTo(10);
    ss = change(ss, T0.plusMillis(2500), web, w -> w.state("b3", UP));
    List<SlowStart.Step> on = new ArrayList<>();
    ss = ss.stepped(ss.nextStep().orElseThrow(), web.facts(ss), SlowStartTest::table, on::add);
    // it aims at 30 now; the churn bound may take it less far
    assertThat(on)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.from()).isEqualTo(10);
              assertThat(s.to()).isBetween(11, 30);
              assertThat(s.moved()).isLessThanOrEqualTo(102);
            });
  }

  @Test
  void aFrozenBackendBelievedDown_losesItsRamp() {
    Web web = threeWithB3Down();
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b3", UP));
    ss =
        change(
            ss,
            T0.plusSeconds(1),
            web,
            w -> {
              w.state("b3", DOWN);
              w.frozen = Set.of("b3");
            });
    assertThat(ss.ramping()).isTrue();
    ss = change(ss, T0.plusSeconds(2), web, w -> w.frozen = Set.of());
    assertThat(ss.ramping()).isFalse();
  }

  @Test
  void poolFailover_isNotSlowed_andAStandbyPoolLosesItsRamps() {
    Web web = new Web().pool("b1", 100).pool("b2", 100, "b3", 100).state("b3", DOWN);
    web.state("b1", DOWN);
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b3", UP)); // pool 1 active: ramps
    assertThat(ramp(ss, "b3")).isNotNull();
    ss = change(ss, T0.plusSeconds(1), web, w -> w.state("b1", UP)); // back to the primary
    assertThat(ramp(ss, "b3")).isNull();
    assertThat(ramp(ss, "b1")).isNotNull(); // b1 came up: it ramps, alone in its pool
    EffectiveWeights.View v = web.facts(ss).view();
    assertThat(v.reasons().get(1).get("b3")).isEqualTo(WeightReason.STANDBY);
    ss = change(ss, T0.plusSeconds(2), web, w -> w.state("b1", DOWN)); // failover again
    assertThat(ss.ramping()).isFalse();
    assertThat(web.facts(ss).view().pools().get(1).get("b3").weight()).isEqualTo(100);
  }

  @Test
  void keptLastWeights_doNotRampWhenTheBackendComesBack() {
    Web web = new Web().pool("b1", 100, "b2", 100);
    web.policy = new EffectiveWeights.Policy(0, true);
    SlowStart ss = seen(web);
    ss = change(ss, T0, web, w -> w.state("b1", DOWN));
    ss = change(ss, T0.plusSeconds(1), web, w -> w.state("b2", DOWN)); // b2 kept
    assertThat(web.facts(ss).view().mode()).isEqualTo(EffectiveWeights.Mode.KEPT_LAST);
    ss = change(ss, T0.plusSeconds(2), web, w -> w.state("b2", UP));
    assertThat(ss.ramping()).isFalse(); // it carried its weight throughout
    ss = change(ss, T0.plusSeconds(3), web, w -> w.state("b1", UP));
    assertThat(ramp(ss, "b1")).isNotNull(); // b1 carried 0: it ramps
  }

  @Test
  void retain_forgetsRemovedBackends_soOneAddedAgainIsNew() {
    Web web = threeWithB3Down();
    SlowStart ss = change(seen(web), T0, web, w -> w.state("b3", UP));
    SlowStart kept = ss.retain(Set.of("b1", "b2"), Set.of("web"));
    assertThat(kept.ramping()).isFalse();
    Web again = new Web().pool("b1", 100, "b2", 100, "b3", 100).state("b3", UNKNOWN);
    assertThat(change(kept, T0.plusSeconds(1), again, w -> w.state("b3", UP)).ramping()).isFalse();
  }

  /**
   * Every state a backend can leave and enter, in the active or a standby pool, with and without
   * panic and a freeze, against an oracle: a ramp starts exactly when the entry now carries its
   * pool weight as configured, carried nothing before, came up in this change and had been seen;
   * and the ramp only ever lowers a weight, never the frontend's state.
   */
  @Test
  void exhaustive_rampStartsExactlyWhenTheOracleSays() {
    int cases = 0;
    for (BackendState from : BackendState.values()) {
      for (BackendState to : BackendState.values()) {
        for (boolean standby : new boolean[] {false, true}) {
          for (int minHealthy : new int[] {0, 75}) {
            for (boolean frozen : new boolean[] {false, true}) {
              for (boolean seenBefore : new boolean[] {false, true}) {
                cases++;
                Web web = new Web();
                if (standby) {
                  web.pool("b1", 100);
                }
                web.pool("b2", 100, "b3", 100, "b4", 100, "b5", 100).state("b5", DOWN);
                web.state("b4", from);
                web.policy = new EffectiveWeights.Policy(minHealthy, false);
                web.frozen = frozen ? Set.of("b4") : Set.of();
                SlowStart ss = seenBefore ? seenAll(web) : SlowStart.none();
                SlowStart.Frontend before = web.facts(ss);
                web.state("b4", to);
                SlowStart.Frontend after = web.facts(ss);
                SlowStart next = ss.changed(T0, before, after);
                int p = standby ? 1 : 0;
                boolean beforeCarried = before.view().pools().get(p).get("b4").weight() > 0;
                boolean oracle =
                    after.view().reasons().get(p).get("b4") == WeightReason.CONFIGURED
                        && to == UP
                        && from != UP
                        && !beforeCarried
                        && (seenBefore || from != UNKNOWN);
                String what =
                    "%s->%s standby=%s min=%d frozen=%s seen=%s"
                        .formatted(from, to, standby, minHealthy, frozen, seenBefore);
                assertThat(ramp(next, "b4") != null).as(what).isEqualTo(oracle);
                EffectiveWeights.View capped = SlowStart.cap(after.view(), next.ramps("web"));
                assertThat(capped.state()).as(what).isEqualTo(after.view().state());
                for (int i = 0; i < capped.pools().size(); i++) {
                  for (var e : capped.pools().get(i).entrySet()) {
                    assertThat(e.getValue().weight())
                        .as(what)
                        .isLessThanOrEqualTo(after.view().pools().get(i).get(e.getKey()).weight());
                  }
                }
                if (oracle) {
                  assertThat(capped.pools().get(p).get("b4").weight()).isEqualTo(1);
                  assertThat(capped.reasons().get(p).get("b4")).isEqualTo(WeightReason.SLOW_START);
                }
              }
            }
          }
        }
      }
    }
    assertThat(cases).isEqualTo(6 * 6 * 2 * 2 * 2 * 2);
  }
}
