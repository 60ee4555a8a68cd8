package ch.ipng.maglev.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.daemon.health.EffectiveWeights.Entry;
import ch.ipng.maglev.daemon.health.EffectiveWeights.Memory;
import ch.ipng.maglev.daemon.health.EffectiveWeights.Mode;
import ch.ipng.maglev.daemon.health.EffectiveWeights.Policy;
import ch.ipng.maglev.daemon.health.EffectiveWeights.View;
import ch.ipng.maglev.daemon.health.EffectiveWeights.Weight;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** min-healthy panic and on-all-down keep-last: the pure rules, exhaustively and by example. */
class AllDownPolicyTest {
  private static final BackendState UP = BackendState.UP;
  private static final BackendState DOWN = BackendState.DOWN;
  private static final BackendState UNKNOWN = BackendState.UNKNOWN;
  private static final BackendState PAUSED = BackendState.PAUSED;
  private static final BackendState DISABLED = BackendState.DISABLED;

  private static final List<String> NAMES = List.of("a1", "a2", "a3", "b1", "b2");

  /** primary {a1 100, a2 50 or 0, a3 100}, fallback {b1 100, b2 10}. */
  private static List<Map<String, Integer>> pools(int a2Weight) {
    Map<String, Integer> primary = new LinkedHashMap<>();
    primary.put("a1", 100);
    primary.put("a2", a2Weight);
    primary.put("a3", 100);
    Map<String, Integer> fallback = new LinkedHashMap<>();
    fallback.put("b1", 100);
    fallback.put("b2", 10);
    return List.of(primary, fallback);
  }

  private static final List<Memory> MEMORIES =
      List.of(
          Memory.NONE,
          new Memory(
              Set.of(new Entry(0, "a1"), new Entry(0, "a2")), Set.of("a1", "a2", "a3", "b1")),
          new Memory(Set.of(new Entry(1, "b1"), new Entry(1, "b2")), Set.of("b1", "b2")),
          new Memory(Set.of(new Entry(0, "a3"), new Entry(0, "gone")), Set.of("a3", "gone")));

  /** What the config guide says, written out once more without sharing code with the rules. */
  private record Expected(
      int active,
      Mode mode,
      Map<String, Weight> weights,
      Map<String, WeightReason> reasons,
      Memory memory,
      FrontendState state) {}

  private static boolean forgotten(BackendState s) {
    return switch (s) {
      case PAUSED, DISABLED, REMOVED -> true;
      case UNKNOWN, UP, DOWN -> false;
    };
  }

  private static Expected oracle(
      List<Map<String, Integer>> pools,
      Map<String, BackendState> st,
      boolean flushOnDown,
      int minHealthy,
      boolean keepLast,
      Memory memory) {
    int active = -1;
    Mode mode = Mode.NORMAL;
    int firstUp = -1;
    for (int p = pools.size() - 1; p >= 0; p--) {
      long up =
          pools.get(p).entrySet().stream()
              .filter(e -> e.getValue() > 0 && st.get(e.getKey()) == UP)
              .count();
      long down =
          pools.get(p).entrySet().stream()
              .filter(e -> e.getValue() > 0 && st.get(e.getKey()) == DOWN)
              .count();
      if (up == 0) {
        continue;
      }
      firstUp = p;
      // up / (up + down) >= minHealthy / 100, as exact fractions
      if (minHealthy == 0 || up * 100 >= (long) minHealthy * (up + down)) {
        active = p;
      }
    }
    if (active < 0 && firstUp >= 0) {
      active = firstUp;
      mode = Mode.PANIC;
    }
    Set<String> everUp = new HashSet<>();
    memory.everUp().stream()
        .filter(b -> !forgotten(st.get(b) == null ? BackendState.REMOVED : st.get(b)))
        .forEach(everUp::add);
    st.forEach(
        (b, s) -> {
          if (s == UP) {
            everUp.add(b);
          }
        });
    Set<Entry> candidates = new HashSet<>();
    for (Entry e : memory.serving()) {
      if (e.pool() < pools.size()
          && pools.get(e.pool()).containsKey(e.backend())
          && !forgotten(st.get(e.backend()))) {
        candidates.add(e);
      }
    }
    boolean kept =
        active < 0
            && keepLast
            && candidates.stream().anyMatch(e -> pools.get(e.pool()).get(e.backend()) > 0);
    if (kept) {
      mode = Mode.KEPT_LAST;
    }
    Map<String, Weight> weights = new HashMap<>();
    Map<String, WeightReason> reasons = new HashMap<>();
    Set<Entry> serving = new HashSet<>();
    boolean anyWeight = false;
    for (int p = 0; p < pools.size(); p++) {
      for (Map.Entry<String, Integer> e : pools.get(p).entrySet()) {
        String b = e.getKey();
        int w = e.getValue();
        BackendState s = st.get(b);
        int weight = 0;
        WeightReason r;
        if (p == active && s == UP) {
          weight = w;
          r = mode == Mode.PANIC && w > 0 ? WeightReason.PANIC : WeightReason.CONFIGURED;
        } else if (p == active && s == DOWN && mode == Mode.PANIC && w > 0) {
          weight = w;
          r = WeightReason.PANIC;
        } else if (kept && w > 0 && candidates.contains(new Entry(p, b))) {
          weight = w;
          r = WeightReason.KEPT_LAST;
        } else {
          r =
              switch (s) {
                case UP -> WeightReason.STANDBY;
                case DOWN -> WeightReason.DOWN;
                case UNKNOWN -> WeightReason.UNKNOWN;
                case PAUSED -> WeightReason.PAUSED;
                case DISABLED -> WeightReason.DISABLED;
                case REMOVED -> WeightReason.REMOVED;
              };
        }
        boolean flush =
            weight == 0
                && (s == DISABLED || s == BackendState.REMOVED || (s == DOWN && flushOnDown));
        weights.put(b, new Weight(weight, flush));
        reasons.put(b, r);
        anyWeight |= weight > 0;
        if (active >= 0 && weight > 0 && everUp.contains(b)) {
          serving.add(new Entry(p, b));
        }
      }
    }
    if (active < 0) {
      serving = candidates;
    }
    boolean allUnknown = st.values().stream().allMatch(s -> s == UNKNOWN);
    FrontendState state =
        anyWeight ? FrontendState.UP : allUnknown ? FrontendState.UNKNOWN : FrontendState.DOWN;
    // only keep-last remembers
    Memory next = keepLast ? new Memory(serving, everUp) : Memory.NONE;
    return new Expected(active, mode, weights, reasons, next, state);
  }

  /**
   * Every state of five backends in two pools × min-healthy 0, 34, 50, 67, 100 × on-all-down × four
   * memories × flush-on-down × a zero pool weight, against the oracle.
   */
  @Test
  void compute_everyCombination_matchesTheOracle() {
    BackendState[] all = BackendState.values();
    int combos = (int) Math.pow(all.length, NAMES.size());
    int checked = 0;
    int panics = 0;
    int kept = 0;
    for (int a2Weight : new int[] {50, 0}) {
      List<Map<String, Integer>> pools = pools(a2Weight);
      for (int c = 0; c < combos; c++) {
        Map<String, BackendState> st = new HashMap<>();
        int x = c;
        for (String n : NAMES) {
          st.put(n, all[x % all.length]);
          x /= all.length;
        }
        for (int min : new int[] {0, 34, 50, 67, 100}) {
          for (boolean keepLast : new boolean[] {false, true}) {
            for (Memory memory : MEMORIES) {
              for (boolean flush : new boolean[] {true, false}) {
                View v =
                    EffectiveWeights.compute(
                        pools, st::get, flush, new Policy(min, keepLast), memory);
                Expected e = oracle(pools, st, flush, min, keepLast, memory);
                Map<String, Weight> weights = new HashMap<>();
                Map<String, WeightReason> reasons = new HashMap<>();
                for (int p = 0; p < 2; p++) {
                  weights.putAll(v.pools().get(p));
                  reasons.putAll(v.reasons().get(p));
                }
                Expected got =
                    new Expected(v.activePool(), v.mode(), weights, reasons, v.memory(), v.state());
                if (!got.equals(e)) {
                  assertThat(got)
                      .as("%s min=%d keepLast=%s memory=%s", st, min, keepLast, memory)
                      .isEqualTo(e);
                }
                panics += v.mode() == Mode.PANIC ? 1 : 0;
                kept += v.mode() == Mode.KEPT_LAST ? 1 : 0;
                checked++;
              }
            }
          }
        }
      }
    }
    assertThat(checked).isEqualTo(2 * 7776 * 5 * 2 * 4 * 2);
    assertThat(panics).isPositive();
    assertThat(kept).isPositive();
  }

  private static View compute(
      List<Map<String, Integer>> pools,
      Map<String, BackendState> st,
      int min,
      boolean keepLast,
      Memory memory) {
    return EffectiveWeights.compute(pools, st::get, true, new Policy(min, keepLast), memory);
  }

  private static Map<String, BackendState> states(BackendState... s) {
    Map<String, BackendState> m = new HashMap<>();
    for (int i = 0; i < s.length; i++) {
      m.put(NAMES.get(i), s[i]);
    }
    return m;
  }

  @Test
  void panic_givesEveryCheckedBackendOfTheActivePoolItsWeight() {
    // 1 of 2 counted up (paused a3 does not count) < 67 %, fallback all down: the primary panics
    View v = compute(pools(50), states(UP, DOWN, PAUSED, DOWN, DOWN), 67, false, Memory.NONE);
    assertThat(v.mode()).isEqualTo(Mode.PANIC);
    assertThat(v.activePool()).isZero();
    assertThat(v.pools().get(0))
        .containsEntry("a1", new Weight(100, false))
        .containsEntry("a2", new Weight(50, false))
        .containsEntry("a3", new Weight(0, false));
    assertThat(v.reasons().get(0))
        .containsEntry("a1", WeightReason.PANIC)
        .containsEntry("a2", WeightReason.PANIC)
        .containsEntry("a3", WeightReason.PAUSED);
    assertThat(v.pools().get(1).get("b1").weight()).isZero();
    // 1 of 2 is 50 %: enough at min-healthy 50; a disabled a3 does not count either
    assertThat(compute(pools(50), states(UP, DOWN, PAUSED, DOWN, DOWN), 50, false, Memory.NONE))
        .extracting(View::mode)
        .isEqualTo(Mode.NORMAL);
    assertThat(compute(pools(50), states(UP, DOWN, DISABLED, DOWN, DOWN), 50, false, Memory.NONE))
        .extracting(View::mode)
        .isEqualTo(Mode.NORMAL);
    // 1 of 3 is not
    assertThat(compute(pools(50), states(UP, DOWN, DOWN, DOWN, DOWN), 50, false, Memory.NONE))
        .extracting(View::mode)
        .isEqualTo(Mode.PANIC);
  }

  @Test
  void panic_aHealthyFallbackPoolWinsOverAPrimaryInPanic() {
    View v = compute(pools(50), states(UP, DOWN, DOWN, UP, DOWN), 50, false, Memory.NONE);
    assertThat(v.mode()).isEqualTo(Mode.NORMAL);
    assertThat(v.activePool()).isEqualTo(1);
    assertThat(v.reasons().get(0).get("a1")).isEqualTo(WeightReason.STANDBY);
    assertThat(v.pools().get(1).get("b1").weight()).isEqualTo(100);
  }

  @Test
  void minHealthyZero_isTheOriginalRule() {
    View v = compute(pools(50), states(UP, DOWN, DOWN, UP, UP), 0, false, Memory.NONE);
    assertThat(v.mode()).isEqualTo(Mode.NORMAL);
    assertThat(v.activePool()).isZero();
    assertThat(v.pools().get(0).get("a2")).isEqualTo(new Weight(0, true));
  }

  /** A sequence of models: memory is carried from each computation to the next. */
  @Test
  void keepLast_keepsTheLastServingEntriesAcrossASequence() {
    List<Map<String, Integer>> pools = pools(50);
    Memory m = Memory.NONE;
    View v = compute(pools, states(UP, UP, UNKNOWN, DOWN, DOWN), 0, true, m);
    m = v.memory();
    assertThat(m.serving()).containsExactlyInAnyOrder(new Entry(0, "a1"), new Entry(0, "a2"));
    v = compute(pools, states(DOWN, UP, DOWN, DOWN, DOWN), 0, true, m);
    m = v.memory();
    assertThat(m.serving()).containsExactly(new Entry(0, "a2"));
    v = compute(pools, states(DOWN, DOWN, DOWN, DOWN, DOWN), 0, true, m);
    assertThat(v.mode()).isEqualTo(Mode.KEPT_LAST);
    assertThat(v.state()).isEqualTo(FrontendState.UP);
    assertThat(v.pools().get(0).get("a2")).isEqualTo(new Weight(50, false));
    assertThat(v.reasons().get(0).get("a2")).isEqualTo(WeightReason.KEPT_LAST);
    assertThat(v.pools().get(0).get("a1")).isEqualTo(new Weight(0, true));
    // still all down: the memory holds
    v = compute(pools, states(DOWN, DOWN, DOWN, DOWN, DOWN), 0, true, v.memory());
    assertThat(v.mode()).isEqualTo(Mode.KEPT_LAST);
    // the operator pauses a2: it is not kept, and not again after resume (unknown, then down)
    View paused = compute(pools, states(DOWN, PAUSED, DOWN, DOWN, DOWN), 0, true, v.memory());
    assertThat(paused.mode()).isEqualTo(Mode.NORMAL);
    assertThat(paused.state()).isEqualTo(FrontendState.DOWN);
    View resumed =
        compute(pools, states(DOWN, UNKNOWN, DOWN, DOWN, DOWN), 0, true, paused.memory());
    View downAgain =
        compute(pools, states(DOWN, DOWN, DOWN, DOWN, DOWN), 0, true, resumed.memory());
    assertThat(downAgain.mode()).isEqualTo(Mode.NORMAL);
    assertThat(downAgain.pools().get(0).get("a2").weight()).isZero();
    // b1 comes up: the fallback serves normally, the kept weights are gone
    View back = compute(pools, states(DOWN, DOWN, DOWN, UP, DOWN), 0, true, v.memory());
    assertThat(back.mode()).isEqualTo(Mode.NORMAL);
    assertThat(back.pools().get(0).get("a2")).isEqualTo(new Weight(0, true));
    assertThat(back.pools().get(1).get("b1").weight()).isEqualTo(100);
  }

  @Test
  void keepLast_afterPanicKeepsThePanicSetButNeverABackendNeverUp() {
    List<Map<String, Integer>> pools = pools(50);
    // a1 up, a2 and a3 down and never up: panic at 50 %
    View v = compute(pools, states(UP, UNKNOWN, UNKNOWN, DOWN, DOWN), 50, true, Memory.NONE);
    v = compute(pools, states(UP, UP, DOWN, DOWN, DOWN), 50, true, v.memory());
    assertThat(v.mode()).isEqualTo(Mode.NORMAL);
    v = compute(pools, states(UP, DOWN, DOWN, DOWN, DOWN), 50, true, v.memory());
    assertThat(v.mode()).isEqualTo(Mode.PANIC);
    assertThat(v.pools().get(0).get("a3").weight()).isEqualTo(100);
    // all down: a1 and a2 (both were up) are kept, a3 (never up) is not
    v = compute(pools, states(DOWN, DOWN, DOWN, DOWN, DOWN), 50, true, v.memory());
    assertThat(v.mode()).isEqualTo(Mode.KEPT_LAST);
    assertThat(v.reasons().get(0))
        .containsEntry("a1", WeightReason.KEPT_LAST)
        .containsEntry("a2", WeightReason.KEPT_LAST)
        .containsEntry("a3", WeightReason.DOWN);
    assertThat(v.pools().get(0).get("a3")).isEqualTo(new Weight(0, true));
  }

  @Test
  void drain_ignoresMemory() {
    Memory m = new Memory(Set.of(new Entry(0, "a1")), Set.of("a1"));
    View v = compute(pools(50), states(DOWN, DOWN, DOWN, DOWN, DOWN), 0, false, m);
    assertThat(v.mode()).isEqualTo(Mode.NORMAL);
    assertThat(v.state()).isEqualTo(FrontendState.DOWN);
    assertThat(v.pools().get(0).get("a1")).isEqualTo(new Weight(0, true));
    List<Map<String, Weight>> ws = new ArrayList<>(v.pools());
    assertThat(ws).allSatisfy(p -> assertThat(p.values()).allMatch(w -> w.weight() == 0));
  }
}
