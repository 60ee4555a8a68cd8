package ch.ipng.maglev.daemon.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.FrontendState;
import ch.ipng.maglev.daemon.testing.Configs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The live model's pure updates: states, operator weights, reloads. */
class LiveModelTest {
  static final String CONFIG =
      """
      maglev:
        healthchecks:
          hc: { type: tcp, port: 80 }
        backends:
          a: { address: 198.18.0.1, healthcheck: hc }
          b: { address: 198.18.0.2, healthcheck: hc }
          c: { address: 198.18.0.3, healthcheck: hc, enabled: false }
        frontends:
          web:
            address: 198.19.0.1
            pools:
              - name: primary
                backends: { a: { weight: 100 }, b: { weight: 50 } }
          mail:
            address: 198.19.0.2
            pools:
              - name: only
                backends: { c: {} }
      """;

  static final Config BASE = Configs.parse(CONFIG);

  @Test
  void aNewModel_hasEveryBackendUnknownUnlessGiven_andFrontendsInConfigOrder() {
    LiveModel m = LiveModel.of(BASE, Map.of("c", BackendState.DISABLED));

    assertThat(m.state("a")).isEqualTo(BackendState.UNKNOWN);
    assertThat(m.state("c")).isEqualTo(BackendState.DISABLED);
    assertThat(m.state("gone")).isEqualTo(BackendState.REMOVED);
    assertThat(m.frontends()).extracting(f -> f.frontend().name()).containsExactly("web", "mail");
    assertThat(m.frontendStates())
        .containsExactly(
            Map.entry("web", FrontendState.UNKNOWN), Map.entry("mail", FrontendState.DOWN));
  }

  @Test
  void aStateChange_recomputesTheFrontendsOfThatBackend_andLeavesTheOldModelAsItWas() {
    LiveModel before = LiveModel.of(BASE, Map.of());
    LiveModel after = before.withState("a", BackendState.UP);

    assertThat(after.version()).isGreaterThan(before.version());
    assertThat(after.frontend("web").orElseThrow().view().pools().get(0).get("a").weight())
        .isEqualTo(100);
    assertThat(after.frontendState("web")).isEqualTo(FrontendState.UP);
    assertThat(before.frontendState("web")).isEqualTo(FrontendState.UNKNOWN);
    assertThat(after.frontend("mail")).isEqualTo(before.frontend("mail"));
    assertThat(after.withState("a", BackendState.UP)).isSameAs(after);
    assertThat(after.withState("nosuch", BackendState.UP)).isSameAs(after);
  }

  @Test
  void aBurstOfStateChanges_isOneModel_thatIgnoresUnknownBackendsAndNoChanges() {
    LiveModel before = LiveModel.of(BASE, Map.of("c", BackendState.DISABLED));
    LiveModel after =
        before.withStates(
            Map.of(
                "a",
                BackendState.UP,
                "b",
                BackendState.DOWN,
                "c",
                BackendState.DISABLED,
                "x",
                BackendState.UP));

    assertThat(after.version()).isEqualTo(before.version() + 1);
    assertThat(after.state("a")).isEqualTo(BackendState.UP);
    assertThat(after.state("b")).isEqualTo(BackendState.DOWN);
    assertThat(after.state("x")).isEqualTo(BackendState.REMOVED);
    assertThat(after.frontend("web").orElseThrow().view().pools().get(0))
        .containsEntry("a", new ch.ipng.maglev.daemon.health.EffectiveWeights.Weight(100, false))
        .containsEntry("b", new ch.ipng.maglev.daemon.health.EffectiveWeights.Weight(0, true));
    assertThat(after.withStates(Map.of("a", BackendState.UP, "x", BackendState.DOWN)))
        .isSameAs(after);
  }

  @Test
  void anOperatorWeight_replacesTheConfiguredOne_andBadOnesAreRefusedByName() {
    LiveModel m = LiveModel.of(BASE, Map.of("a", BackendState.UP, "b", BackendState.UP));
    LiveModel w = m.withWeight(new WeightKey("web", "primary", "b"), 7);

    assertThat(w.frontend("web").orElseThrow().weights().get(0)).containsEntry("b", 7);
    assertThat(w.frontend("web").orElseThrow().view().pools().get(0).get("b").weight())
        .isEqualTo(7);
    assertThat(w.overrides()).containsExactly(Map.entry(new WeightKey("web", "primary", "b"), 7));

    assertThatThrownBy(() -> m.withWeight(new WeightKey("nope", "primary", "b"), 1))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> assertThat(e.reason()).isEqualTo(ModelException.Reason.NOT_FOUND))
        .hasMessage("frontend \"nope\" not found");
    assertThatThrownBy(() -> m.withWeight(new WeightKey("web", "spare", "b"), 1))
        .hasMessage("pool \"spare\" not found in frontend \"web\"");
    assertThatThrownBy(() -> m.withWeight(new WeightKey("web", "primary", "c"), 1))
        .hasMessage("backend \"c\" not found in pool \"primary\" of frontend \"web\"");
    assertThatThrownBy(() -> m.withWeight(new WeightKey("web", "primary", "b"), 101))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> assertThat(e.reason()).isEqualTo(ModelException.Reason.INVALID_ARGUMENT))
        .hasMessage("weight: 101 (expected: 0-100)");
  }

  @Test
  void aReload_keepsOperatorWeights_unlessTheConfiguredWeightChangedOrTheEntryWent() {
    LiveModel m =
        LiveModel.of(BASE, Map.of())
            .withWeight(new WeightKey("web", "primary", "a"), 1)
            .withWeight(new WeightKey("web", "primary", "b"), 2);

    Config sameA = Configs.parse(CONFIG.replace("b: { weight: 50 }", "b: { weight: 60 }"));
    LiveModel reloaded = m.withConfig(sameA, Map.of("a", BackendState.UP));
    assertThat(reloaded.overrides())
        .containsExactly(Map.entry(new WeightKey("web", "primary", "a"), 1));
    assertThat(reloaded.state("a")).isEqualTo(BackendState.UP);

    Config noA = Configs.parse(CONFIG.replace("a: { weight: 100 }, ", ""));
    assertThat(m.withConfig(noA, Map.of()).overrides())
        .containsExactly(Map.entry(new WeightKey("web", "primary", "b"), 2));
  }

  @Test
  void theShardedMap_copiesOnWrite_andKeepsEveryEntry() {
    Map<String, Integer> start = new java.util.HashMap<>();
    for (int i = 0; i < 1000; i++) {
      start.put("k" + i, i);
    }
    ShardedMap<String, Integer> m = ShardedMap.of(start);
    ShardedMap<String, Integer> n = m.withAll(Map.of("k5", -5, "new", 1));

    assertThat(m.get("k5")).isEqualTo(5);
    assertThat(n.get("k5")).isEqualTo(-5);
    assertThat(n.get("new")).isEqualTo(1);
    assertThat(m.get("new")).isNull();
    assertThat(n.size()).isEqualTo(1001);
    List<Integer> values = new ArrayList<>(n.values());
    assertThat(values).hasSize(1001).contains(999, -5, 1).doesNotContain(5);
  }

  @Test
  void aFrontendsState_workedOutAlone_isTheStateOfItsComputedWeights_forEveryCombination() {
    Config c =
        Configs.parse(
            """
            maglev:
              healthchecks:
                hc: { type: tcp, port: 80 }
              backends:
                a: { address: 198.18.0.1, healthcheck: hc }
                b: { address: 198.18.0.2, healthcheck: hc }
                c: { address: 198.18.0.3, healthcheck: hc }
              frontends:
                web:
                  address: 198.19.0.1
                  pools:
                    - name: primary
                      backends: { a: { weight: 100 }, b: { weight: 0 } }
                    - name: backup
                      backends: { c: {} }
            """);
    int checked = 0;
    for (BackendState a : BackendState.values()) {
      for (BackendState b : BackendState.values()) {
        for (BackendState cs : BackendState.values()) {
          for (int override : new int[] {-1, 0, 30}) {
            LiveModel m = LiveModel.of(c, Map.of("a", a, "b", b, "c", cs));
            if (override >= 0) {
              m = m.withWeight(new WeightKey("web", "primary", "b"), override);
            }
            FrontendState alone = m.frontendState("web");
            FrontendState computed = m.frontend("web").orElseThrow().view().state();
            assertThat(alone)
                .as("a=%s b=%s c=%s b-weight=%d", a, b, cs, override)
                .isEqualTo(computed);
            assertThat(m.frontendState("web")).isEqualTo(computed);
            checked++;
          }
        }
      }
    }
    assertThat(checked).isEqualTo(6 * 6 * 6 * 3);
  }
}
