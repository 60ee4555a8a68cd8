package ch.ipng.maglev.daemon.model;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.FrontendState;
import ch.ipng.maglev.daemon.health.RemovalBudget;
import ch.ipng.maglev.daemon.health.WeightReason;
import ch.ipng.maglev.daemon.testing.Configs;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The removal budgets over the live model: holds in the model, reloads, release. */
class RemovalBudgetsTest {
  private static final BackendState UP = BackendState.UP;
  private static final BackendState DOWN = BackendState.DOWN;
  private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");

  private static String config(String maxDrain) {
    return """
        maglev:
          healthchecks:
            hc: { type: tcp, port: 80 }
          backends:
            a: { address: 198.18.0.1, healthcheck: hc }
            b: { address: 198.18.0.2, healthcheck: hc }
            c: { address: 198.18.0.3, healthcheck: hc }
            d: { address: 198.18.0.4, healthcheck: hc }
          frontends:
            web:
              address: 198.19.0.1
              %s
              max-drain-window: 10s
              pools: [ { name: p, backends: { a: {}, b: {}, c: {}, d: {} } } ]
            plain:
              address: 198.19.0.2
              pools: [ { name: p, backends: { a: {}, b: {}, c: {}, d: {} } } ]
        """
        .formatted(maxDrain);
  }

  private static final Config HALF = Configs.parse(config("max-drain: 50%"));
  private static final Map<String, BackendState> ALL_UP =
      Map.of("a", UP, "b", UP, "c", UP, "d", UP);

  private static WeightReason reason(LiveModel m, String frontend, String backend) {
    return m.frontend(frontend).orElseThrow().view().reasons().get(0).get(backend);
  }

  private static int weight(LiveModel m, String frontend, String backend) {
    return m.frontend(frontend).orElseThrow().view().pools().get(0).get(backend).weight();
  }

  /** Steps the budgets from {@code before} to the model after {@code change}. */
  private record Run(RemovalBudgets budgets, LiveModel model) {
    Run next(Instant now, java.util.function.UnaryOperator<LiveModel> change) {
      RemovalBudgets.Result r = budgets.apply(now, model, change.apply(model));
      return new Run(r.budgets(), r.model());
    }
  }

  private static Run start(Config c) {
    LiveModel m = LiveModel.of(c, ALL_UP);
    RemovalBudgets.Result r = RemovalBudgets.none().apply(T0, null, m);
    return new Run(r.budgets(), r.model());
  }

  @Test
  void threeDown_holdsOneInTheBudgetedFrontend_drainsAllInThePlainOne() {
    Run r = start(HALF).next(T0, m -> m.withStates(Map.of("a", DOWN, "b", DOWN, "c", DOWN)));
    assertThat(r.model().held()).isEqualTo(Map.of("web", Set.of("c")));
    assertThat(reason(r.model(), "web", "c")).isEqualTo(WeightReason.HELD);
    assertThat(weight(r.model(), "web", "c")).isEqualTo(100);
    assertThat(reason(r.model(), "plain", "c")).isEqualTo(WeightReason.DOWN);
    assertThat(weight(r.model(), "plain", "c")).isZero();
    // the fast frontend state agrees with the computed one
    LiveModel fresh =
        LiveModel.of(HALF, ALL_UP)
            .withStates(Map.of("a", DOWN, "b", DOWN, "c", DOWN, "d", DOWN))
            .withHeld(Map.of("web", Set.of("d")));
    assertThat(fresh.frontendState("web")).isEqualTo(FrontendState.UP);
    assertThat(fresh.frontendState("plain")).isEqualTo(FrontendState.DOWN);
    assertThat(r.budgets().nextDeadline()).contains(T0.plusSeconds(10));
  }

  @Test
  void heldSurviveStateChangesElsewhere_andDrainWhenTheWindowPasses() {
    Run r = start(HALF).next(T0, m -> m.withStates(Map.of("a", DOWN, "b", DOWN, "c", DOWN)));
    r = r.next(T0.plusSeconds(1), m -> m.withStates(Map.of("d", UP)));
    assertThat(reason(r.model(), "web", "c")).isEqualTo(WeightReason.HELD);
    RemovalBudgets.Result t = r.budgets().apply(T0.plusSeconds(10), r.model(), r.model());
    assertThat(t.model().held()).isEmpty();
    assertThat(weight(t.model(), "web", "c")).isZero();
    assertThat(t.events())
        .extracting(e -> e.frontend() + " " + e.event().backend() + " " + e.event().release())
        .containsExactly("web c WINDOW");
  }

  @Test
  void release_oneFrontendOrAll_drainsAtOnce() {
    Run r = start(HALF).next(T0, m -> m.withStates(Map.of("a", DOWN, "b", DOWN, "c", DOWN)));
    RemovalBudgets.Result none = r.budgets().release(T0.plusSeconds(1), "plain", r.model());
    assertThat(none.model().held()).containsKey("web");
    assertThat(none.events()).isEmpty();
    RemovalBudgets.Result all = r.budgets().release(T0.plusSeconds(1), null, r.model());
    assertThat(all.model().held()).isEmpty();
    assertThat(weight(all.model(), "web", "c")).isZero();
    assertThat(all.events())
        .extracting(e -> e.frontend() + " " + e.event().backend() + " " + e.event().release())
        .containsExactly("web c OPERATOR");
    // and it stays drained on the next change
    RemovalBudgets.Result after =
        all.budgets()
            .apply(T0.plusSeconds(2), all.model(), all.model().withStates(Map.of("d", DOWN)));
    assertThat(weight(after.model(), "web", "c")).isZero();
  }

  @Test
  void reload_keepsTheHold_turningItOffReleases() {
    Run r = start(HALF).next(T0, m -> m.withStates(Map.of("a", DOWN, "b", DOWN, "c", DOWN)));
    Config again = Configs.parse(config("max-drain: 50"));
    Run same =
        r.next(
            T0.plusSeconds(1),
            m -> m.withConfig(again, Map.of("a", DOWN, "b", DOWN, "c", DOWN, "d", UP)));
    assertThat(reason(same.model(), "web", "c")).isEqualTo(WeightReason.HELD);
    Config off = Configs.parse(config(""));
    Run gone =
        same.next(
            T0.plusSeconds(2),
            m -> m.withConfig(off, Map.of("a", DOWN, "b", DOWN, "c", DOWN, "d", UP)));
    assertThat(gone.model().held()).isEmpty();
    assertThat(weight(gone.model(), "web", "c")).isZero();
    assertThat(gone.budgets().of("web")).isEmpty();
  }

  @Test
  void operatorWeight_stepsOnlyItsFrontend() {
    Run r = start(HALF).next(T0, m -> m.withStates(Map.of("a", DOWN, "b", DOWN, "c", DOWN)));
    LiveModel w = r.model().withWeight(new WeightKey("plain", "p", "d"), 10);
    RemovalBudgets.Result t = r.budgets().apply(T0.plusSeconds(30), r.model(), w, "plain");
    assertThat(t.model().held()).containsKey("web"); // web's window is past, but web is not stepped
    assertThat(t.events()).isEmpty();
  }

  @Test
  void settingsOfAFrontend() {
    assertThat(RemovalBudgets.settings(HALF.frontends().get("web")))
        .isEqualTo(new RemovalBudget.Settings(50, Duration.ofSeconds(10)));
    assertThat(RemovalBudgets.settings(HALF.frontends().get("plain")))
        .isEqualTo(RemovalBudget.Settings.OFF);
  }
}
