package ch.ipng.maglev.daemon.checker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.daemon.dataplane.VipTables;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.SlowStart;
import ch.ipng.maglev.daemon.health.WeightReason;
import ch.ipng.maglev.daemon.model.FrontendStatus;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.model.ModelChange;
import ch.ipng.maglev.daemon.model.ModelHub;
import ch.ipng.maglev.daemon.model.WeightKey;
import ch.ipng.maglev.daemon.testing.Configs;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Slow start on the live model with a manual scheduler and clock: ramps start in the model that
 * brings the backend up, steps are published at their time without any probe, each moving at most
 * the bound on the lb plugin's table, and a failing step does not end the loop.
 */
class SlowStarterTest {
  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");

  private static final String CONFIG =
      """
      maglev:
        healthchecks:
          t: { type: tcp, port: 80, slow-start: %s }
        backends:
          a: { address: 192.0.2.1, healthcheck: t }
          b: { address: 192.0.2.2, healthcheck: t }
          c: { address: 192.0.2.3, healthcheck: t }
        frontends:
          web:
            address: 198.51.100.1
            slow-start-max-churn: 10%%
            pools: [ { name: p, backends: { a: {}, b: {}, c: {} } } ]
          other:
            address: 198.51.100.2
            slow-start: 0s
            pools: [ { name: p, backends: { a: {}, c: {} } } ]
      """;

  private final ManualScheduler scheduler = new ManualScheduler(0);
  private final Clock clock =
      new Clock() {
        @Override
        public Instant instant() {
          return T0.plusNanos(scheduler.nanoTime());
        }

        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          throw new UnsupportedOperationException();
        }
      };
  private final ModelHub models = ModelHub.create();
  // every published model with its change
  private final List<LiveModel> published = new ArrayList<>();
  private final List<ModelChange> changes = new ArrayList<>();

  private SlowStarter start(BiFunction<Config, Frontend, SlowStart.Table> tables) {
    SlowStarter s = SlowStarter.start(models, scheduler, false, clock, tables);
    models.listen(
        (m, c) -> {
          published.add(m);
          changes.add(c);
        });
    return s;
  }

  private void apply(Config c) {
    models.update(
        m ->
            m == null
                ? LiveModel.of(
                    c, Map.of("a", BackendState.UP, "b", BackendState.UP, "c", BackendState.DOWN))
                : m.withConfig(
                    c, Map.of("a", BackendState.UP, "b", BackendState.UP, "c", BackendState.DOWN)),
        new ModelChange.ConfigApplied(true));
  }

  private void set(String backend, BackendState s) {
    models.update(
        m -> m.withState(backend, s),
        new ModelChange.BackendsChanged(Map.of(backend, clock.instant())));
  }

  private static int weight(LiveModel m, String frontend, String backend) {
    return m.frontend(frontend).orElseThrow().view().pools().get(0).get(backend).weight();
  }

  private static WeightReason reason(LiveModel m, String frontend, String backend) {
    return m.frontend(frontend).orElseThrow().view().reasons().get(0).get(backend);
  }

  private static int moved(Config c, LiveModel before, LiveModel after) {
    Frontend f = c.frontends().get("web");
    SlowStart.Table t = VipTables.of(c, f);
    FrontendStatus b = before.frontend("web").orElseThrow();
    FrontendStatus a = after.frontend("web").orElseThrow();
    return SlowStart.moved(t.of(b.view()), t.of(a.view()));
  }

  @Test
  void aBackendThatComesUp_neverReachesTheModelAtFullWeight_andStepsWithoutProbes() {
    Config c = Configs.parse(CONFIG.formatted("2s"));
    try (SlowStarter unused = start(VipTables::of)) {
      apply(c);
      set("c", BackendState.UP);
      // c was seen down: the very model that brings it up has it at 1
      LiveModel up = models.current();
      assertThat(weight(up, "web", "c")).isEqualTo(1);
      assertThat(reason(up, "web", "c")).isEqualTo(WeightReason.SLOW_START);
      assertThat(weight(up, "other", "c")).isEqualTo(100); // slow-start 0s there
      assertThat(published).allSatisfy(m -> assertThat(weight(m, "web", "c")).isLessThan(100));
      assertThat(scheduler.pending()).containsExactly(Duration.ofMillis(200));

      int before = published.size();
      LiveModel last = up;
      int steps = 0;
      for (int i = 0; i < 100 && weight(models.current(), "web", "c") < 100; i++) {
        scheduler.advance(Duration.ofMillis(200));
        LiveModel now = models.current();
        if (now != last) {
          assertThat(moved(c, last, now)).isLessThanOrEqualTo(102);
          assertThat(changes.getLast())
              .isEqualTo(new ModelChange.BackendsChanged(Map.of("c", clock.instant())));
          if (weight(now, "web", "c") != weight(last, "web", "c")) {
            steps++;
          }
          last = now;
        }
      }
      assertThat(weight(models.current(), "web", "c")).isEqualTo(100);
      assertThat(reason(models.current(), "web", "c")).isEqualTo(WeightReason.CONFIGURED);
      assertThat(models.current().slowStart().ramping()).isFalse();
      assertThat(published.size()).isGreaterThan(before);
      assertThat(steps).isBetween(2, 30);
      assertThat(scheduler.pending()).isEmpty(); // nothing ramps: no wake-up left
    }
  }

  @Test
  void anOperatorWeightMidRamp_appliesAtOnce_andEndsTheRamp() {
    Config c = Configs.parse(CONFIG.formatted("2s"));
    try (SlowStarter unused = start(VipTables::of)) {
      apply(c);
      set("c", BackendState.UP);
      scheduler.advance(Duration.ofMillis(400));
      WeightKey key = new WeightKey("web", "p", "c");
      models.update(m -> m.withWeight(key, 70), new ModelChange.WeightSet(key, 70));
      assertThat(weight(models.current(), "web", "c")).isEqualTo(70);
      assertThat(models.current().slowStart().ramping()).isFalse();
    }
  }

  @Test
  void aReloadThatTurnsSlowStartOff_endsRampsAtOnce() {
    try (SlowStarter unused = start(VipTables::of)) {
      apply(Configs.parse(CONFIG.formatted("2s")));
      set("c", BackendState.UP);
      assertThat(models.current().slowStart().ramping()).isTrue();
      models.update(
          m ->
              m.withConfig(
                  Configs.parse(CONFIG.formatted("0s")),
                  Map.of("a", BackendState.UP, "b", BackendState.UP, "c", BackendState.UP)),
          new ModelChange.ConfigApplied(false));
      assertThat(models.current().slowStart().ramping()).isFalse();
      assertThat(weight(models.current(), "web", "c")).isEqualTo(100);
    }
  }

  @Test
  void aFailingStep_isRetriedAfterASecond_andTheRampGoesOn() {
    Config c = Configs.parse(CONFIG.formatted("2s"));
    AtomicInteger calls = new AtomicInteger();
    Map<String, SlowStart.Table> cache = new HashMap<>();
    try (SlowStarter unused =
        start(
            (config, f) -> {
              SlowStart.Table real = cache.computeIfAbsent(f.name(), n -> VipTables.of(config, f));
              return view -> {
                if (calls.getAndIncrement() == 0) {
                  throw new IllegalStateException("boom (test)");
                }
                return real.of(view);
              };
            })) {
      apply(c);
      set("c", BackendState.UP);
      scheduler.advance(Duration.ofMillis(200)); // the step fails
      assertThat(weight(models.current(), "web", "c")).isEqualTo(1);
      assertThat(scheduler.pending()).containsExactly(SlowStarter.RETRY);
      scheduler.advance(SlowStarter.RETRY);
      assertThat(weight(models.current(), "web", "c")).isGreaterThan(1);
      for (int i = 0; i < 100 && models.current().slowStart().ramping(); i++) {
        scheduler.advance(Duration.ofMillis(200));
      }
      assertThat(weight(models.current(), "web", "c")).isEqualTo(100);
    }
  }

  @Test
  void withoutSlowStartAnywhere_theAmenderLeavesModelsAlone() {
    Config c = Configs.parse(CONFIG.formatted("0s"));
    try (SlowStarter unused = start(VipTables::of)) {
      apply(c);
      LiveModel before = models.current();
      set("c", BackendState.UP);
      LiveModel after = models.current();
      assertThat(after.version()).isEqualTo(before.version() + 1);
      assertThat(after.slowStart()).isSameAs(before.slowStart());
      assertThat(weight(after, "web", "c")).isEqualTo(100);
      assertThat(scheduler.pending()).isEmpty();
    }
  }

  @Test
  void closing_stopsTheLoop() {
    Config c = Configs.parse(CONFIG.formatted("2s"));
    SlowStarter s = start(VipTables::of);
    apply(c);
    set("c", BackendState.UP);
    s.close();
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(weight(models.current(), "web", "c")).isEqualTo(1);
  }
}
