package ch.ipng.maglev.daemon.health;

import ch.ipng.maglev.common.ArrayMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
   * A frontend's all-down policy.
   *
   * @param minHealthy percentage (0-100, 0 = off) of a pool's counted backends that must be up for
   *     the pool to be healthy enough; below it, with no healthier pool, the pool panics
   * @param keepLast on-all-down keep-last: with nothing up, the last serving entries keep weight
   */
  public record Policy(int minHealthy, boolean keepLast) {
    /** The original's behaviour: no panic, drain when all are down. */
    public static final Policy DEFAULT = new Policy(0, false);
  }

  /** How a frontend's weights came about. */
  public enum Mode {
    /** Up backends of the active pool carry weight, or nothing does. */
    NORMAL,
    /** No pool is healthy enough: every counted backend of the active pool carries weight. */
    PANIC,
    /** Nothing is up: the last serving entries keep their weight. */
    KEPT_LAST;

    /** "normal", "panic" or "kept-last". */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** One pool entry: a backend in the pool at an index. */
  public record Entry(int pool, String backend) {}

  /**
   * What keep-last remembers from one computation for the next.
   *
   * @param serving the entries that carried weight the last time a backend was up, less those never
   *     up and those the operator has paused, disabled or removed since: what keep-last keeps
   * @param everUp the backends seen up since memory began (an operator pause, disable or removal
   *     forgets one)
   */
  public record Memory(Set<Entry> serving, Set<String> everUp) {
    public static final Memory NONE = new Memory(Set.of(), Set.of());

    public Memory {
      serving = Set.copyOf(serving);
      everUp = Set.copyOf(everUp);
    }
  }

  /**
   * The result for one frontend.
   *
   * @param activePool index of the pool that carries traffic (the first healthy enough, or the one
   *     in panic), or -1: then nothing carries weight, unless kept
   * @param pools per pool, backend name to effective weight, in the order given
   * @param reasons per pool, backend name to why its weight is what it is
   * @param mode normal, panic or kept-last
   * @param memory what the next computation is given: the entries keep-last would keep ({@link
   *     Memory#NONE} unless the policy keeps last)
   */
  public record View(
      int activePool,
      FrontendState state,
      List<Map<String, Weight>> pools,
      List<Map<String, WeightReason>> reasons,
      Mode mode,
      Memory memory) {
    public View {
      pools = List.copyOf(pools);
      reasons = List.copyOf(reasons);
    }

    /** A view without panic or memory (the original's rules). */
    public View(int activePool, FrontendState state, List<Map<String, Weight>> pools) {
      this(activePool, state, pools, List.of(), Mode.NORMAL, Memory.NONE);
    }
  }

  /**
   * Computes the effective weights of one frontend with the default policy and no memory.
   *
   * @param pools per pool in priority order, backend name to configured (or runtime) weight 0–100
   * @param states the state of each backend
   * @param flushOnDown the frontend's flush-on-down
   */
  public static View compute(
      List<Map<String, Integer>> pools,
      Function<String, BackendState> states,
      boolean flushOnDown) {
    return compute(pools, states, flushOnDown, Policy.DEFAULT, Memory.NONE);
  }

  /**
   * Computes the effective weights of one frontend (docs/config-guide.md states the rules).
   *
   * @param pools per pool in priority order, backend name to configured (or runtime) weight 0–100
   * @param states the state of each backend
   * @param flushOnDown the frontend's flush-on-down
   * @param policy min-healthy and on-all-down
   * @param memory the previous view's {@link View#memory()} ({@link Memory#NONE} for none)
   */
  public static View compute(
      List<Map<String, Integer>> pools,
      Function<String, BackendState> states,
      boolean flushOnDown,
      Policy policy,
      Memory memory) {
    return compute(pools, states, flushOnDown, policy, memory, Set.of());
  }

  /**
   * Computes the effective weights of one frontend with some backends frozen by self-suspicion: a
   * frozen backend that is down counts as up (it keeps the weight it had), with reason {@link
   * WeightReason#FROZEN}; in any other state a frozen backend is as it is.
   *
   * @param frozen the backends whose weight decrease self-suspicion holds
   */
  public static View compute(
      List<Map<String, Integer>> pools,
      Function<String, BackendState> actual,
      boolean flushOnDown,
      Policy policy,
      Memory memory,
      Set<String> frozen) {
    Function<String, BackendState> states =
        frozen.isEmpty()
            ? actual
            : b -> {
              BackendState s = actual.apply(b);
              return s == BackendState.DOWN && frozen.contains(b) ? BackendState.UP : s;
            };
    int active = -1;
    int firstWithUp = -1;
    for (int i = 0; i < pools.size() && active < 0; i++) {
      int up = 0;
      int counted = 0;
      for (Map.Entry<String, Integer> b : pools.get(i).entrySet()) {
        if (b.getValue() <= 0) {
          continue;
        }
        BackendState s = states.apply(b.getKey());
        if (s == BackendState.UP) {
          up++;
          counted++;
        } else if (s == BackendState.DOWN) {
          counted++;
        }
      }
      if (up > 0) {
        if (firstWithUp < 0) {
          firstWithUp = i;
        }
        if (healthyEnough(up, counted, policy.minHealthy())) {
          active = i;
        }
      }
    }
    Mode mode = Mode.NORMAL;
    // only keep-last reads the memory: without it none is kept (it would be most of what a
    // frontend's status holds, made again for every frontend a transition touches)
    boolean remember = policy.keepLast();
    // copied only when it changes: most computations (a transition elsewhere) leave it as it was
    Set<String> everUp = remember ? memory.everUp() : Set.of();
    boolean everUpCopied = false;
    for (String b : everUp) {
      BackendState s = states.apply(b); // null: no longer in this frontend
      if (s == null || operatorOut(s)) {
        if (!everUpCopied) {
          everUp = new HashSet<>(everUp);
          everUpCopied = true;
        }
        everUp.remove(b);
      }
    }
    Set<Entry> serving;
    if (active < 0 && firstWithUp >= 0) {
      active = firstWithUp;
      mode = Mode.PANIC;
    }
    if (!remember) {
      serving = Set.of();
    } else if (active < 0) {
      serving = stillKept(pools, states, memory.serving());
      if (anyWeight(pools, serving)) {
        mode = Mode.KEPT_LAST;
      }
    } else {
      serving = HashSet.newHashSet(memory.serving().size() + 1);
    }
    List<Map<String, Weight>> out = new ArrayList<>(pools.size());
    List<Map<String, WeightReason>> why = new ArrayList<>(pools.size());
    boolean anyWeight = false;
    boolean allUnknown = true;
    for (int i = 0; i < pools.size(); i++) {
      // array maps over the pool's own keys: these are made for every frontend a transition
      // touches, and kept while the frontend's status is
      ArrayMap.Keys keys = ArrayMap.keysOf(pools.get(i));
      ArrayMap.Builder<Weight> pool = ArrayMap.builder(keys);
      ArrayMap.Builder<WeightReason> reasons = ArrayMap.builder(keys);
      int at = 0;
      for (Map.Entry<String, Integer> b : pools.get(i).entrySet()) {
        BackendState s = states.apply(b.getKey());
        int configured = b.getValue();
        Weight w;
        WeightReason r;
        if (mode == Mode.PANIC
            && i == active
            && configured > 0
            && (s == BackendState.UP || s == BackendState.DOWN)) {
          w = up(configured);
          r = WeightReason.PANIC;
        } else if (mode == Mode.KEPT_LAST
            && configured > 0
            && serving.contains(new Entry(i, b.getKey()))) {
          w = up(configured);
          r = WeightReason.KEPT_LAST;
        } else {
          w = weight(s, i == active, configured, flushOnDown);
          r = reason(s, i == active);
        }
        if (r == WeightReason.CONFIGURED && !frozen.isEmpty() && frozen.contains(b.getKey())) {
          if (actual.apply(b.getKey()) == BackendState.DOWN) {
            r = WeightReason.FROZEN;
          }
        }
        if (remember && s == BackendState.UP && !everUp.contains(b.getKey())) {
          if (!everUpCopied) {
            everUp = new HashSet<>(everUp);
            everUpCopied = true;
          }
          everUp.add(b.getKey());
        }
        if (remember && active >= 0 && w.weight() > 0 && everUp.contains(b.getKey())) {
          serving.add(new Entry(i, b.getKey()));
        }
        anyWeight |= w.weight() > 0;
        allUnknown &= s == BackendState.UNKNOWN;
        pool.set(at, w);
        reasons.set(at, r);
        at++;
      }
      out.add(pool.build());
      why.add(reasons.build());
    }
    // unchanged memory is handed on as it was, not copied again
    Memory next = Memory.NONE;
    if (remember) {
      boolean sameServing = serving.equals(memory.serving());
      next =
          !everUpCopied && sameServing
              ? memory
              : new Memory(sameServing ? memory.serving() : serving, everUp);
    }
    return new View(active, state(anyWeight, allUnknown), out, why, mode, next);
  }

  /** Whether {@code up} of {@code counted} backends meet min-healthy percent (0 = off). */
  public static boolean healthyEnough(int up, int counted, int minHealthy) {
    return up > 0 && (long) up * 100 >= (long) minHealthy * counted;
  }

  /**
   * The remembered entries that may still be kept: those whose pool and backend still exist and
   * whose backend the operator has not paused, disabled or removed.
   */
  private static Set<Entry> stillKept(
      List<Map<String, Integer>> pools,
      Function<String, BackendState> states,
      Set<Entry> lastServing) {
    Set<Entry> out = new HashSet<>();
    for (Entry e : lastServing) {
      if (e.pool() < pools.size() && pools.get(e.pool()).containsKey(e.backend())) {
        if (!operatorOut(states.apply(e.backend()))) {
          out.add(e);
        }
      }
    }
    return out;
  }

  /** Paused, disabled or removed: the operator (or the config) took it out, memory forgets it. */
  private static boolean operatorOut(BackendState s) {
    return s == BackendState.PAUSED || s == BackendState.DISABLED || s == BackendState.REMOVED;
  }

  private static boolean anyWeight(List<Map<String, Integer>> pools, Set<Entry> entries) {
    for (Entry e : entries) {
      Integer w = pools.get(e.pool()).get(e.backend());
      if (w != null && w > 0) {
        return true;
      }
    }
    return false;
  }

  /** Why an entry has the weight {@link #weight} gives it (no panic, nothing kept). */
  public static WeightReason reason(BackendState state, boolean inActivePool) {
    return switch (state) {
      case UP -> inActivePool ? WeightReason.CONFIGURED : WeightReason.STANDBY;
      case DOWN -> WeightReason.DOWN;
      case UNKNOWN -> WeightReason.UNKNOWN;
      case PAUSED -> WeightReason.PAUSED;
      case DISABLED -> WeightReason.DISABLED;
      case REMOVED -> WeightReason.REMOVED;
    };
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
