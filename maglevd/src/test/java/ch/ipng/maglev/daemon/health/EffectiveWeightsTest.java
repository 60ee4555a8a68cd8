package ch.ipng.maglev.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.daemon.health.EffectiveWeights.View;
import ch.ipng.maglev.daemon.health.EffectiveWeights.Weight;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EffectiveWeightsTest {

  /** The truth table over every state × pool position × flush-on-down. */
  @Test
  void weight_truthTable() {
    for (BackendState s : BackendState.values()) {
      for (boolean active : new boolean[] {true, false}) {
        for (boolean flushOnDown : new boolean[] {true, false}) {
          Weight w = EffectiveWeights.weight(s, active, 70, flushOnDown);
          Weight expected =
              switch (s) {
                case UP -> new Weight(active ? 70 : 0, false);
                case DOWN -> new Weight(0, flushOnDown);
                case DISABLED, REMOVED -> new Weight(0, true);
                case UNKNOWN, PAUSED -> new Weight(0, false);
              };
          assertThat(w)
              .as("%s active=%s flushOnDown=%s", s, active, flushOnDown)
              .isEqualTo(expected);
        }
      }
    }
  }

  /**
   * Every assignment of states to a two-pool frontend with two backends each, checked against the
   * rules written out independently: the active pool, each weight, and the frontend state.
   */
  @Test
  void compute_everyStateCombinationOfTwoPools() {
    List<String> names = List.of("a1", "a2", "b1", "b2");
    BackendState[] all = BackendState.values();
    int combos = (int) Math.pow(all.length, names.size());
    for (int weightCase = 0; weightCase < 2; weightCase++) {
      int a2Weight = weightCase == 0 ? 50 : 0;
      List<Map<String, Integer>> pools = new ArrayList<>();
      Map<String, Integer> primary = new LinkedHashMap<>();
      primary.put("a1", 100);
      primary.put("a2", a2Weight);
      Map<String, Integer> fallback = new LinkedHashMap<>();
      fallback.put("b1", 100);
      fallback.put("b2", 10);
      pools.add(primary);
      pools.add(fallback);
      for (int c = 0; c < combos; c++) {
        Map<String, BackendState> states = new HashMap<>();
        int x = c;
        for (String n : names) {
          states.put(n, all[x % all.length]);
          x /= all.length;
        }
        for (boolean flushOnDown : new boolean[] {true, false}) {
          View v = EffectiveWeights.compute(pools, states::get, flushOnDown);
          boolean primaryUsable =
              states.get("a1") == BackendState.UP
                  || (states.get("a2") == BackendState.UP && a2Weight > 0);
          boolean fallbackUsable =
              states.get("b1") == BackendState.UP || states.get("b2") == BackendState.UP;
          int expectedActive = primaryUsable ? 0 : fallbackUsable ? 1 : -1;
          assertThat(v.activePool()).as("%s", states).isEqualTo(expectedActive);
          for (int p = 0; p < 2; p++) {
            for (Map.Entry<String, Integer> b : pools.get(p).entrySet()) {
              Weight w = v.pools().get(p).get(b.getKey());
              BackendState s = states.get(b.getKey());
              int expectedWeight = s == BackendState.UP && p == expectedActive ? b.getValue() : 0;
              assertThat(w.weight()).as("%s %s", b.getKey(), states).isEqualTo(expectedWeight);
              boolean expectedFlush =
                  s == BackendState.DISABLED
                      || s == BackendState.REMOVED
                      || (s == BackendState.DOWN && flushOnDown);
              assertThat(w.flush()).isEqualTo(expectedFlush);
            }
          }
          boolean anyWeight = expectedActive >= 0;
          boolean allUnknown = states.values().stream().allMatch(s -> s == BackendState.UNKNOWN);
          FrontendState expectedState =
              anyWeight
                  ? FrontendState.UP
                  : allUnknown ? FrontendState.UNKNOWN : FrontendState.DOWN;
          assertThat(v.state()).as("%s", states).isEqualTo(expectedState);
        }
      }
    }
  }

  @Test
  void compute_pausedBackendsDrainWithoutFlush() {
    View v =
        EffectiveWeights.compute(
            List.of(Map.of("a", 100)), n -> BackendState.PAUSED, /* flushOnDown= */ true);
    assertThat(v.pools().get(0).get("a")).isEqualTo(new Weight(0, false));
    assertThat(v.state()).isEqualTo(FrontendState.DOWN);
    assertThat(v.activePool()).isEqualTo(-1);
  }

  @Test
  void compute_upBackendWithZeroWeightDoesNotMakePoolActive() {
    View v =
        EffectiveWeights.compute(
            List.of(Map.of("a", 0), Map.of("b", 100)), n -> BackendState.UP, true);
    assertThat(v.activePool()).isEqualTo(1);
    assertThat(v.pools().get(0).get("a").weight()).isZero();
    assertThat(v.pools().get(1).get("b").weight()).isEqualTo(100);
  }
}
