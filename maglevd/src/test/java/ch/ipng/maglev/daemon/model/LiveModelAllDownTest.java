package ch.ipng.maglev.daemon.model;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.EffectiveWeights.Mode;
import ch.ipng.maglev.daemon.health.FrontendState;
import ch.ipng.maglev.daemon.health.WeightReason;
import ch.ipng.maglev.daemon.testing.Configs;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** keep-last's memory lives in the model: carried from model to model and across reloads. */
class LiveModelAllDownTest {
  private static final BackendState UP = BackendState.UP;
  private static final BackendState DOWN = BackendState.DOWN;

  private static String config(String policy, String extraPool) {
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
              pools:
        %s
                - name: primary
                  backends: { a: { weight: 100 }, b: { weight: 50 } }
                - name: fallback
                  backends: { c: {} }
        """
        .formatted(policy.indent(6).stripTrailing(), extraPool.indent(8).stripTrailing());
  }

  private static final Config KEEP = Configs.parse(config("on-all-down: keep-last", ""));
  private static final Config DRAIN = Configs.parse(config("on-all-down: drain", ""));

  private static int weight(LiveModel m, int pool, String backend) {
    return m.frontend("web").orElseThrow().view().pools().get(pool).get(backend).weight();
  }

  private static WeightReason reason(LiveModel m, int pool, String backend) {
    return m.frontend("web").orElseThrow().view().reasons().get(pool).get(backend);
  }

  @Test
  void keepLast_rememberedAcrossModels_evenWhenNoStatusWasAskedInBetween() {
    LiveModel m = LiveModel.of(KEEP, Map.of("a", UP, "b", UP, "c", DOWN));
    // nobody asks for the statuses of these models: the memory must still follow
    m = m.withState("a", DOWN);
    m = m.withState("b", DOWN);
    assertThat(m.frontendState("web")).isEqualTo(FrontendState.UP);
    assertThat(m.frontend("web").orElseThrow().view().mode()).isEqualTo(Mode.KEPT_LAST);
    assertThat(weight(m, 0, "b")).isEqualTo(50);
    assertThat(reason(m, 0, "b")).isEqualTo(WeightReason.KEPT_LAST);
    assertThat(weight(m, 0, "a")).isZero();
    // an unrelated change (an operator weight) keeps it
    m = m.withWeight(new WeightKey("web", "primary", "b"), 80);
    assertThat(weight(m, 0, "b")).isEqualTo(80);
    // pausing b drops it
    m = m.withState("b", BackendState.PAUSED);
    assertThat(m.frontendState("web")).isEqualTo(FrontendState.DOWN);
    m = m.withState("b", BackendState.UNKNOWN).withState("b", DOWN);
    assertThat(m.frontendState("web")).isEqualTo(FrontendState.DOWN);
  }

  @Test
  void frontendMode_isTheViewsMode_andNormalWithoutAPolicy() {
    LiveModel keep = LiveModel.of(KEEP, Map.of("a", UP, "b", UP, "c", DOWN));
    assertThat(keep.frontendMode("web")).isEqualTo(Mode.NORMAL);
    keep = keep.withStates(Map.of("a", DOWN, "b", DOWN));
    assertThat(keep.frontendMode("web")).isEqualTo(Mode.KEPT_LAST);
    LiveModel panic =
        LiveModel.of(
            Configs.parse(config("min-healthy: 75", "")), Map.of("a", UP, "b", DOWN, "c", DOWN));
    assertThat(panic.frontendMode("web"))
        .isEqualTo(panic.frontend("web").orElseThrow().view().mode())
        .isEqualTo(Mode.PANIC);
    LiveModel drain = LiveModel.of(DRAIN, Map.of("a", DOWN, "b", DOWN, "c", DOWN));
    assertThat(drain.frontendMode("web")).isEqualTo(Mode.NORMAL);
    assertThat(drain.frontendMode("nosuch")).isEqualTo(Mode.NORMAL);
  }

  @Test
  void drain_drainsAsBefore() {
    LiveModel m = LiveModel.of(DRAIN, Map.of("a", UP, "b", UP, "c", DOWN));
    m = m.withStates(Map.of("a", DOWN, "b", DOWN));
    assertThat(m.frontendState("web")).isEqualTo(FrontendState.DOWN);
    assertThat(weight(m, 0, "b")).isZero();
    assertThat(reason(m, 0, "b")).isEqualTo(WeightReason.DOWN);
  }

  @Test
  void keepLast_survivesAReloadThatReordersPools_andAReloadToDrainForgetsIt() {
    LiveModel m = LiveModel.of(KEEP, Map.of("a", UP, "b", DOWN, "c", DOWN));
    m = m.withState("a", DOWN);
    assertThat(weight(m, 0, "a")).isEqualTo(100);
    // a new pool in front: "primary" is now pool 1, and a is kept there
    Config moved =
        Configs.parse(
            config(
                "on-all-down: keep-last\nmin-healthy: 50", "- name: first\n  backends: { d: {} }"));
    m = m.withConfig(moved, Map.of("a", DOWN, "b", DOWN, "c", DOWN, "d", DOWN));
    assertThat(m.frontend("web").orElseThrow().view().mode()).isEqualTo(Mode.KEPT_LAST);
    assertThat(weight(m, 1, "a")).isEqualTo(100);
    assertThat(weight(m, 0, "d")).isZero();
    // to drain: drained at once, and back to keep-last does not bring the weights back
    m = m.withConfig(DRAIN, Map.of("a", DOWN, "b", DOWN, "c", DOWN));
    assertThat(m.frontendState("web")).isEqualTo(FrontendState.DOWN);
    m = m.withConfig(KEEP, Map.of("a", DOWN, "b", DOWN, "c", DOWN));
    assertThat(m.frontendState("web")).isEqualTo(FrontendState.DOWN);
  }

  @Test
  void drainThatServedThenWentDown_reloadedToKeepLast_keepsNothing() {
    // the config guide: memory starts when keep-last is configured
    LiveModel m = LiveModel.of(DRAIN, Map.of("a", UP, "b", UP, "c", DOWN));
    assertThat(weight(m, 0, "a")).isEqualTo(100);
    m = m.withStates(Map.of("a", DOWN, "b", DOWN));
    m = m.withConfig(KEEP, Map.of("a", DOWN, "b", DOWN, "c", DOWN));
    assertThat(m.frontendState("web")).isEqualTo(FrontendState.DOWN);
    assertThat(m.frontendMode("web")).isEqualTo(Mode.NORMAL);
    assertThat(weight(m, 0, "a")).isZero();
    // from then on it remembers: a comes up, goes down, and is kept
    m = m.withState("a", UP).withState("a", DOWN);
    assertThat(m.frontendMode("web")).isEqualTo(Mode.KEPT_LAST);
    assertThat(weight(m, 0, "a")).isEqualTo(100);
  }

  @Test
  void minHealthy_panicsThroughTheModel() {
    Config panic = Configs.parse(config("min-healthy: 100", ""));
    LiveModel m = LiveModel.of(panic, Map.of("a", UP, "b", DOWN, "c", DOWN));
    assertThat(m.frontend("web").orElseThrow().view().mode()).isEqualTo(Mode.PANIC);
    assertThat(weight(m, 0, "b")).isEqualTo(50);
    assertThat(reason(m, 0, "b")).isEqualTo(WeightReason.PANIC);
    // reload to min-healthy 0: the same states drain b
    m = m.withConfig(DRAIN, Map.of("a", UP, "b", DOWN, "c", DOWN));
    assertThat(weight(m, 0, "b")).isZero();
  }
}
