package ch.ipng.maglev.daemon.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What VPP should carry for one frontend: per pool and backend a weight and a flush flag, the
 * active pool and the frontend state. A pure function of pool weights and backend states.
 */
public final class EffectiveWeights {
  // Weights are values: the common ones are shared rather than made for every backend of every
  // frontend status (a burst of transitions computes thousands).
  private static final Weight ZERO = new Weight(0, false);
  private static final Weight ZERO_FLUSH = new Weight(0, true);
  private static final Weight[] UP = new Weight[101];

  static {
    for (int w = 0; w < UP.length; w++) {
      UP[w] = new Weight(w, false);
    }
  }

  private EffectiveWeights() {}

  /** The weight to program and whether changing to it also flushes existing flows. */
  public record Weight(int weight, boolean flush) {}

  /**
   * The result for one frontend.
   *
   * @param activePool index of the first pool with a usable backend, or -1 (fail-closed: then
   *     nothing carries weight)
   * @param pools per pool, backend name to effective weight, in the order given
   */
  public record View(int activePool, FrontendState state, List<Map<String, Weight>> pools) {
    public View {
      pools = List.copyOf(pools);
    }
  }

  /**
   * Computes the effective weights of one frontend.
   *
   * @param pools per pool in priority order, backend name to configured (or runtime) weight 0–100
   * @param states the state of each backend
   * @param flushOnDown the frontend's flush-on-down
   */
  public static View compute(
      List<Map<String, Integer>> pools,
      Function<String, BackendState> states,
      boolean flushOnDown) {
    int active = -1;
    for (int i = 0; i < pools.size() && active < 0; i++) {
      for (Map.Entry<String, Integer> b : pools.get(i).entrySet()) {
        if (b.getValue() > 0 && states.apply(b.getKey()) == BackendState.UP) {
          active = i;
          break;
        }
      }
    }
    List<Map<String, Weight>> out = new ArrayList<>();
    boolean anyWeight = false;
    boolean allUnknown = true;
    for (int i = 0; i < pools.size(); i++) {
      Map<String, Weight> pool = new LinkedHashMap<>();
      for (Map.Entry<String, Integer> b : pools.get(i).entrySet()) {
        BackendState s = states.apply(b.getKey());
        Weight w = weight(s, i == active, b.getValue(), flushOnDown);
        anyWeight |= w.weight() > 0;
        allUnknown &= s == BackendState.UNKNOWN;
        pool.put(b.getKey(), w);
      }
      out.add(pool);
    }
    return new View(active, state(anyWeight, allUnknown), out);
  }

  /**
   * A frontend's state: up when some backend carries weight (an up backend with a pool weight above
   * 0 does: its pool is then the active one, or a pool before it is), unknown when every backend
   * is, else down.
   */
  public static FrontendState state(boolean anyWeight, boolean allUnknown) {
    return anyWeight ? FrontendState.UP : allUnknown ? FrontendState.UNKNOWN : FrontendState.DOWN;
  }

  /** The truth table of state × pool position × flush-on-down. */
  public static Weight weight(
      BackendState state, boolean inActivePool, int configured, boolean flushOnDown) {
    return switch (state) {
      case UP -> inActivePool ? up(configured) : ZERO;
      case DOWN -> flushOnDown ? ZERO_FLUSH : ZERO;
      case DISABLED, REMOVED -> ZERO_FLUSH;
      case UNKNOWN, PAUSED -> ZERO;
    };
  }

  private static Weight up(int configured) {
    return configured >= 0 && configured < UP.length
        ? UP[configured]
        : new Weight(configured, false);
  }
}
