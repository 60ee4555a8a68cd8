package ch.ipng.maglev.daemon.model;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.EffectiveWeights;
import ch.ipng.maglev.daemon.health.FrontendState;
import ch.ipng.maglev.daemon.health.SelfSuspicion;
import ch.ipng.maglev.daemon.health.WeightReason;
import ch.ipng.maglev.daemon.testing.Configs;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Self-suspicion's freeze in the model: frozen down backends keep their weight, nothing else. */
class LiveModelSuspectTest {
  private static final BackendState UP = BackendState.UP;
  private static final BackendState DOWN = BackendState.DOWN;

  private static final Config CONFIG =
      Configs.parse(
          """
          maglev:
            healthchecks:
              hc: { type: tcp, port: 80 }
            backends:
              a: { address: 198.18.0.1, healthcheck: hc }
              b: { address: 198.18.0.2, healthcheck: hc }
              c: { address: 198.18.1.3, healthcheck: hc }
            frontends:
              web:
                address: 198.19.0.1
                pools:
                  - name: primary
                    backends: { a: { weight: 100 }, b: { weight: 50 } }
                  - name: fallback
                    backends: { c: {} }
              other:
                address: 198.19.0.2
                pools:
                  - name: only
                    backends: { c: {} }
          """);

  private static final SelfSuspicion.Evidence EVIDENCE =
      new SelfSuspicion.Evidence(
          SelfSuspicion.Cause.STORM,
          Instant.parse("2026-12-06T12:00:00Z"),
          2,
          3,
          List.of("web"),
          1,
          Duration.ZERO);

  private static LiveModel.Suspect frozen(String... backends) {
    return new LiveModel.Suspect(Set.of(backends), EVIDENCE);
  }

  private static int weight(LiveModel m, int pool, String backend) {
    return m.frontend("web").orElseThrow().view().pools().get(pool).get(backend).weight();
  }

  private static WeightReason reason(LiveModel m, int pool, String backend) {
    return m.frontend("web").orElseThrow().view().reasons().get(pool).get(backend);
  }

  @Test
  void a_frozen_down_backend_keeps_its_weight_and_says_why() {
    LiveModel m = LiveModel.of(CONFIG, Map.of("a", UP, "b", UP, "c", UP));
    m = m.withSuspect(frozen("a", "b")).withStates(Map.of("a", DOWN, "b", DOWN));
    // asked without computing the status first, then with
    assertThat(m.frontendState("web")).isEqualTo(FrontendState.UP);
    assertThat(weight(m, 0, "a")).isEqualTo(100);
    assertThat(weight(m, 0, "b")).isEqualTo(50);
    assertThat(reason(m, 0, "a")).isEqualTo(WeightReason.FROZEN);
    assertThat(m.frontend("web").orElseThrow().states()).containsEntry("a", DOWN);
    assertThat(weight(m, 1, "c")).as("no failover while frozen").isZero();
    assertThat(m.suspect()).contains(frozen("a", "b"));
  }

  @Test
  void lifting_the_freeze_drains_what_is_still_down() {
    LiveModel m = LiveModel.of(CONFIG, Map.of("a", UP, "b", UP, "c", UP));
    m = m.withSuspect(frozen("a", "b")).withStates(Map.of("a", DOWN, "b", DOWN));
    assertThat(weight(m, 0, "a")).isEqualTo(100);
    LiveModel lifted = m.withSuspect(null);
    assertThat(lifted.version()).isGreaterThan(m.version());
    assertThat(lifted.frontendState("web")).isEqualTo(FrontendState.UP); // c in fallback
    assertThat(weight(lifted, 0, "a")).isZero();
    assertThat(reason(lifted, 0, "a")).isEqualTo(WeightReason.DOWN);
    assertThat(weight(lifted, 1, "c")).isEqualTo(100);
    assertThat(lifted.suspect()).isEmpty();
    assertThat(lifted.withSuspect(null)).isSameAs(lifted);
  }

  @Test
  void operator_actions_still_apply_to_a_frozen_backend() {
    LiveModel m = LiveModel.of(CONFIG, Map.of("a", UP, "b", UP, "c", UP));
    m = m.withSuspect(frozen("a")).withState("a", DOWN);
    m = m.withWeight(new WeightKey("web", "primary", "a"), 30);
    assertThat(weight(m, 0, "a")).isEqualTo(30);
    m = m.withState("a", BackendState.DISABLED);
    assertThat(weight(m, 0, "a")).isZero();
    assertThat(reason(m, 0, "a")).isEqualTo(WeightReason.DISABLED);
  }

  @Test
  void frozen_backends_that_are_up_or_unknown_are_as_they_are() {
    LiveModel m = LiveModel.of(CONFIG, Map.of("a", UP, "c", UP));
    m = m.withSuspect(frozen("a", "b"));
    assertThat(reason(m, 0, "a")).isEqualTo(WeightReason.CONFIGURED);
    assertThat(reason(m, 0, "b")).isEqualTo(WeightReason.UNKNOWN);
    assertThat(weight(m, 0, "b")).isZero();
  }

  @Test
  void the_suspect_survives_a_reload_less_the_removed_backends() {
    LiveModel m = LiveModel.of(CONFIG, Map.of("a", UP, "b", UP, "c", UP));
    m = m.withSuspect(frozen("a", "b", "gone")).withState("a", DOWN);
    assertThat(m.suspect().orElseThrow().frozen()).containsExactlyInAnyOrder("a", "b");
    LiveModel r = m.withConfig(CONFIG, Map.of("a", DOWN, "b", UP, "c", UP));
    assertThat(r.suspect().orElseThrow().frozen()).containsExactlyInAnyOrder("a", "b");
    assertThat(weight(r, 0, "a")).isEqualTo(100);
  }

  @Test
  void effective_weights_freeze_only_down() {
    Map<String, Integer> pool = new LinkedHashMap<>();
    pool.put("x", 100);
    pool.put("y", 40);
    for (BackendState s : BackendState.values()) {
      EffectiveWeights.View plain =
          EffectiveWeights.compute(
              List.of(pool),
              b -> b.equals("x") ? s : UP,
              true,
              EffectiveWeights.Policy.DEFAULT,
              EffectiveWeights.Memory.NONE,
              Set.of());
      EffectiveWeights.View frozen =
          EffectiveWeights.compute(
              List.of(pool),
              b -> b.equals("x") ? s : UP,
              true,
              EffectiveWeights.Policy.DEFAULT,
              EffectiveWeights.Memory.NONE,
              Set.of("x"));
      if (s == DOWN) {
        assertThat(frozen.pools().get(0).get("x"))
            .isEqualTo(new EffectiveWeights.Weight(100, false));
        assertThat(frozen.reasons().get(0).get("x")).isEqualTo(WeightReason.FROZEN);
        assertThat(plain.pools().get(0).get("x").weight()).isZero();
      } else {
        assertThat(frozen).as("%s", s).isEqualTo(plain);
      }
    }
  }
}
