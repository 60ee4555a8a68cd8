package ch.ipng.maglev.daemon.model;

import ch.ipng.maglev.common.ArrayMap;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.config.OnAllDown;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.EffectiveWeights;
import ch.ipng.maglev.daemon.health.FrontendState;
import ch.ipng.maglev.daemon.health.RemovalBudget;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The per-frontend views {@link LiveModel} derives from its inputs: a frontend's weights with the
 * operator's applied, its effective weights under its policy, holds and frozen backends, its state
 * without computing them, and the pool entries the config has.
 */
final class FrontendStatuses {
  private FrontendStatuses() {}

  /** A backend's state; {@link BackendState#REMOVED} for one not in the map. */
  static BackendState stateIn(ShardedMap<String, BackendState> states, String backend) {
    BackendState s = states.get(backend);
    return s == null ? BackendState.REMOVED : s;
  }

  /** The all-down policy of a frontend. */
  static EffectiveWeights.Policy policy(Frontend f) {
    return f.minHealthy() == 0 && f.onAllDown() == OnAllDown.DRAIN
        ? EffectiveWeights.Policy.DEFAULT
        : new EffectiveWeights.Policy(f.minHealthy(), f.onAllDown() == OnAllDown.KEEP_LAST);
  }

  /**
   * A frontend's status: its pools' weights (operator weights applied), its backends' states, and
   * the effective weights they make with {@code frozen} and {@code held} kept.
   *
   * @param backends the frontend's {@link #backendKeys}, made once per config
   */
  static FrontendStatus status(
      Frontend f,
      ArrayMap.Keys backends,
      Map<WeightKey, Integer> overrides,
      Function<String, BackendState> state,
      EffectiveWeights.Memory memory,
      Set<String> frozen,
      Set<String> held) {
    List<Map<String, Integer>> weights = new ArrayList<>(f.pools().size());
    ArrayMap.Builder<BackendState> statesOf = ArrayMap.builder(backends);
    for (int i = 0; i < backends.size(); i++) {
      statesOf.set(i, state.apply(backends.name(i)));
    }
    ArrayMap<BackendState> states = statesOf.build();
    for (Frontend.Pool pool : f.pools()) {
      if (overrides.isEmpty()) {
        // most models have no operator weights: the config's own map (unmodifiable) serves
        weights.add(pool.backends());
        continue;
      }
      ArrayMap.Keys keys = ArrayMap.keysOf(pool.backends());
      ArrayMap.Builder<Integer> w = ArrayMap.builder(keys);
      for (int i = 0; i < keys.size(); i++) {
        String b = keys.name(i);
        Integer set = overrides.get(new WeightKey(f.name(), pool.name(), b));
        w.set(i, set != null ? set : Objects.requireNonNull(pool.backends().get(b)));
      }
      weights.add(w.build());
    }
    Set<String> kept = frozen;
    if (!held.isEmpty()) {
      kept = new HashSet<>(frozen);
      kept.addAll(held);
    }
    EffectiveWeights.Policy policy =
        held.isEmpty() ? policy(f) : RemovalBudget.whileHolding(policy(f));
    EffectiveWeights.View view =
        EffectiveWeights.compute(weights, states::get, f.flushOnDown(), policy, memory, kept);
    return new FrontendStatus(f, weights, states, RemovalBudget.label(view, held, frozen));
  }

  /** Every backend a frontend's pools name, in config order (a backend in two pools once). */
  static ArrayMap.Keys backendKeys(Frontend f) {
    if (f.pools().size() == 1) {
      return ArrayMap.keysOf(f.pools().get(0).backends());
    }
    Set<String> names = new LinkedHashSet<>();
    for (Frontend.Pool pool : f.pools()) {
      names.addAll(pool.backends().keySet());
    }
    return ArrayMap.Keys.of(names);
  }

  /**
   * What keep-last remembers ({@code last}, of frontend {@code old}) mapped onto the pools of
   * {@code f}: the entries whose pool of that name in {@code f} still has the backend.
   */
  static EffectiveWeights.Memory remap(EffectiveWeights.Memory last, Frontend old, Frontend f) {
    Set<EffectiveWeights.Entry> out = new HashSet<>();
    for (EffectiveWeights.Entry e : last.serving()) {
      String pool = old.pools().get(e.pool()).name();
      for (int i = 0; i < f.pools().size(); i++) {
        Frontend.Pool p = f.pools().get(i);
        if (p.name().equals(pool) && p.backends().containsKey(e.backend())) {
          out.add(new EffectiveWeights.Entry(i, e.backend()));
        }
      }
    }
    return new EffectiveWeights.Memory(out, last.everUp());
  }

  /**
   * A frontend's state worked out from its entries alone (not for keep-last): up when an entry up,
   * or kept ({@code frozen}, {@code held}) while down, has a weight above 0.
   */
  static FrontendState quickState(
      Frontend f,
      ShardedMap<String, BackendState> states,
      Map<WeightKey, Integer> overrides,
      Set<String> frozen,
      Set<String> held) {
    boolean usable = false;
    boolean allUnknown = true;
    for (Frontend.Pool pool : f.pools()) {
      for (Map.Entry<String, Integer> b : pool.backends().entrySet()) {
        BackendState s = stateIn(states, b.getKey());
        allUnknown &= s == BackendState.UNKNOWN;
        if (s == BackendState.DOWN && (frozen.contains(b.getKey()) || held.contains(b.getKey()))) {
          s = BackendState.UP; // self-suspicion or the removal budget keeps its weight
        }
        if (!usable && s == BackendState.UP) {
          Integer set =
              overrides.isEmpty()
                  ? null
                  : overrides.get(new WeightKey(f.name(), pool.name(), b.getKey()));
          usable = (set != null ? set : b.getValue()) > 0;
        }
      }
    }
    return EffectiveWeights.state(usable, allUnknown);
  }

  /**
   * The frontend of a pool entry that exists in {@code config}.
   *
   * @throws ModelException NOT_FOUND naming the frontend, pool or backend that is not there
   */
  static Frontend frontendOf(Config config, WeightKey key) {
    Frontend f = config.frontends().get(key.frontend());
    if (f == null) {
      throw new ModelException(
          ModelException.Reason.NOT_FOUND, "frontend \"" + key.frontend() + "\" not found");
    }
    Frontend.Pool pool =
        f.pools().stream().filter(p -> p.name().equals(key.pool())).findFirst().orElse(null);
    if (pool == null) {
      throw new ModelException(
          ModelException.Reason.NOT_FOUND,
          "pool \"" + key.pool() + "\" not found in frontend \"" + key.frontend() + "\"");
    }
    if (!pool.backends().containsKey(key.backend())) {
      throw new ModelException(
          ModelException.Reason.NOT_FOUND,
          "backend \""
              + key.backend()
              + "\" not found in pool \""
              + key.pool()
              + "\" of frontend \""
              + key.frontend()
              + "\"");
    }
    return f;
  }

  /** The config's own weight of a pool entry, or null when the entry is not there. */
  static @Nullable Integer configuredWeight(Config c, WeightKey k) {
    Frontend f = c.frontends().get(k.frontend());
    if (f == null) {
      return null;
    }
    for (Frontend.Pool pool : f.pools()) {
      if (pool.name().equals(k.pool())) {
        return pool.backends().get(k.backend());
      }
    }
    return null;
  }
}
