package ch.ipng.maglev.daemon.model;

import ch.ipng.maglev.common.ArrayMap;
import ch.ipng.maglev.config.BackendIndex;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.config.OnAllDown;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.EffectiveWeights;
import ch.ipng.maglev.daemon.health.FrontendState;
import ch.ipng.maglev.daemon.health.SelfSuspicion;
import ch.ipng.maglev.daemon.health.SlowStart;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What maglevd knows now: the config snapshot, every backend's state, the operator's weights, and
 * each frontend's effective weights and state. Immutable; every change makes a new model (pure
 * functions, so the rules are tested without threads), and the checker publishes it.
 */
public final class LiveModel {
  /**
   * The checker suspects its own probes (self-suspicion): these backends' weight decreases are
   * frozen, for this evidence.
   */
  public record Suspect(Set<String> frozen, SelfSuspicion.Evidence evidence) {
    public Suspect {
      frozen = Set.copyOf(frozen);
      Objects.requireNonNull(evidence, "evidence");
    }
  }

  private final long version;
  private final Config config;
  private final BackendIndex index;
  private final ShardedMap<String, BackendState> states;
  private final Map<WeightKey, Integer> overrides;
  private final ShardedMap<String, FrontendSlot> frontends;
  private final @Nullable Suspect suspect;
  private final SlowStart slowStart;
  // frontend → backends its removal budget holds (RemovalBudget); absent when none
  private final Map<String, Set<String>> held;

  private LiveModel(
      long version,
      Config config,
      BackendIndex index,
      ShardedMap<String, BackendState> states,
      Map<WeightKey, Integer> overrides,
      ShardedMap<String, FrontendSlot> frontends,
      @Nullable Suspect suspect,
      SlowStart slowStart,
      Map<String, Set<String>> held) {
    this.version = version;
    this.config = config;
    this.index = index;
    this.states = states;
    this.overrides = overrides;
    this.frontends = frontends;
    this.suspect = suspect;
    this.slowStart = slowStart;
    this.held = held;
  }

  /** The first model of a config; a backend not in {@code states} is unknown. */
  public static LiveModel of(Config config, Map<String, BackendState> states) {
    return build(1, config, states, Map.of(), null);
  }

  private static LiveModel build(
      long version,
      Config config,
      Map<String, BackendState> states,
      Map<WeightKey, Integer> overrides,
      @Nullable LiveModel previous) {
    Map<String, BackendState> all = new HashMap<>();
    for (String b : config.backends().keySet()) {
      all.put(b, states.getOrDefault(b, BackendState.UNKNOWN));
    }
    ShardedMap<String, BackendState> s = ShardedMap.of(all);
    Map<String, FrontendSlot> fs = new HashMap<>();
    for (Frontend f : config.frontends().values()) {
      fs.put(
          f.name(),
          new FrontendSlot(
              f,
              FrontendStatuses.backendKeys(f),
              previous == null ? EffectiveWeights.Memory.NONE : previous.memoryFor(f)));
    }
    Suspect kept = null;
    if (previous != null && previous.suspect != null) {
      Set<String> frozen = new HashSet<>(previous.suspect.frozen());
      frozen.retainAll(config.backends().keySet());
      kept = new Suspect(frozen, previous.suspect.evidence());
    }
    return new LiveModel(
        version,
        config,
        BackendIndex.of(config),
        s,
        Map.copyOf(overrides),
        ShardedMap.of(fs),
        kept,
        previous == null
            ? SlowStart.none()
            : previous.slowStart.retain(config.backends().keySet(), config.frontends().keySet()),
        previous == null ? Map.of() : HeldSets.carry(previous.held, config));
  }

  /**
   * What keep-last remembers for {@code f} (a frontend of the next model) from this model: the last
   * serving entries of its frontend of that name, by pool name, when {@code f} keeps them. Only a
   * keep-last frontend remembers: one that a reload turns keep-last starts from what it serves
   * then.
   */
  private EffectiveWeights.Memory memoryFor(Frontend f) {
    FrontendSlot old = frontends.get(f.name());
    if (f.onAllDown() != OnAllDown.KEEP_LAST
        || old == null
        || old.frontend.onAllDown() != OnAllDown.KEEP_LAST) {
      return EffectiveWeights.Memory.NONE;
    }
    EffectiveWeights.Memory last = statusOf(old).view().memory();
    if (old.frontend.pools().equals(f.pools()) || last.serving().isEmpty()) {
      return last;
    }
    return FrontendStatuses.remap(last, old.frontend, f);
  }

  /**
   * The model of a new config. Backends keep the states given (the checker's, after applying the
   * config); operator weights survive unless the config's own weight for that entry changed or the
   * entry is gone.
   */
  public LiveModel withConfig(Config next, Map<String, BackendState> nextStates) {
    Map<WeightKey, Integer> kept = new HashMap<>();
    overrides.forEach(
        (k, w) -> {
          Integer before = FrontendStatuses.configuredWeight(config, k);
          Integer after = FrontendStatuses.configuredWeight(next, k);
          if (after != null && Objects.equals(before, after)) {
            kept.put(k, w);
          }
        });
    return build(version + 1, next, nextStates, kept, this);
  }

  /** The model after one backend changed state: only the frontends that use it change. */
  public LiveModel withState(String backend, BackendState state) {
    return withStates(Map.of(backend, state));
  }

  /**
   * The model after backends changed state: only the frontends that use them change (their statuses
   * are computed when first asked). Backends not in the config, and states that are already so,
   * change nothing.
   */
  public LiveModel withStates(Map<String, BackendState> changes) {
    Map<String, BackendState> changed = new HashMap<>();
    Map<String, Frontend> affected = new LinkedHashMap<>();
    changes.forEach(
        (backend, state) -> {
          BackendState now = states.get(backend);
          if (now != null && now != state) {
            changed.put(backend, state);
            index.frontendsOf(backend).forEach(f -> affected.putIfAbsent(f.name(), f));
          }
        });
    if (changed.isEmpty()) {
      return this;
    }
    ShardedMap<String, BackendState> s = states.withAll(changed);
    return new LiveModel(
        version + 1,
        config,
        index,
        s,
        overrides,
        freshSlots(affected.values()),
        suspect,
        slowStart,
        held);
  }

  /**
   * The model with an operator weight for one pool entry.
   *
   * @throws IllegalArgumentException when the frontend, pool or backend entry does not exist, or
   *     the weight is outside 0-100; the message names which
   */
  public LiveModel withWeight(WeightKey key, int weight) {
    Frontend f = frontendOf(key);
    if (weight < 0 || weight > 100) {
      throw new ModelException(
          ModelException.Reason.INVALID_ARGUMENT, "weight: " + weight + " (expected: 0-100)");
    }
    Map<WeightKey, Integer> o = new HashMap<>(overrides);
    o.put(key, weight);
    Map<WeightKey, Integer> next = Map.copyOf(o);
    return new LiveModel(
        version + 1, config, index, states, next, freshSlots(List.of(f)), suspect, slowStart, held);
  }

  /**
   * The model without the operator weight of one pool entry (the config's weight applies); this
   * model when the entry has none.
   *
   * @throws ModelException NOT_FOUND when the frontend, pool or backend entry does not exist
   */
  public LiveModel withoutWeight(WeightKey key) {
    Frontend f = frontendOf(key);
    if (!overrides.containsKey(key)) {
      return this;
    }
    Map<WeightKey, Integer> o = new HashMap<>(overrides);
    o.remove(key);
    return new LiveModel(
        version + 1,
        config,
        index,
        states,
        Map.copyOf(o),
        freshSlots(List.of(f)),
        suspect,
        slowStart,
        held);
  }

  /**
   * The config's own weight of a pool entry.
   *
   * @throws ModelException NOT_FOUND when the frontend, pool or backend entry does not exist
   */
  public int configuredWeight(WeightKey key) {
    frontendOf(key);
    return Objects.requireNonNull(FrontendStatuses.configuredWeight(config, key));
  }

  /**
   * The model with the checker's suspicion of its own probes ({@code null}: none): the frozen
   * backends keep their weights while down. Only the frontends of backends frozen before or after
   * change.
   */
  public LiveModel withSuspect(@Nullable Suspect next) {
    if (Objects.equals(next, suspect)) {
      return this;
    }
    Set<String> touched = new HashSet<>();
    if (suspect != null) {
      touched.addAll(suspect.frozen());
    }
    if (next != null) {
      touched.addAll(next.frozen());
      touched.retainAll(config.backends().keySet());
    }
    Suspect kept = next;
    if (next != null && !config.backends().keySet().containsAll(next.frozen())) {
      Set<String> frozen = new HashSet<>(next.frozen());
      frozen.retainAll(config.backends().keySet());
      kept = new Suspect(frozen, next.evidence());
    }
    Map<String, Frontend> affected = new LinkedHashMap<>();
    for (String b : touched) {
      index.frontendsOf(b).forEach(f -> affected.putIfAbsent(f.name(), f));
    }
    return new LiveModel(
        version + 1,
        config,
        index,
        states,
        overrides,
        freshSlots(affected.values()),
        kept,
        slowStart,
        held);
  }

  /**
   * The model with these slow-start ramps: a ramping backend carries its ramp's weight (reason
   * slow-start). Only the frontends whose ramps changed change.
   */
  public LiveModel withSlowStart(SlowStart next) {
    if (next == slowStart) {
      return this;
    }
    Map<String, Frontend> affected = new LinkedHashMap<>();
    Set<String> names = new HashSet<>(slowStart.ramps().keySet());
    names.addAll(next.ramps().keySet());
    for (String name : names) {
      Frontend f = config.frontends().get(name);
      if (f != null && !slowStart.ramps(name).equals(next.ramps(name))) {
        affected.put(name, f);
      }
    }
    return new LiveModel(
        version + 1,
        config,
        index,
        states,
        overrides,
        freshSlots(affected.values()),
        suspect,
        next,
        held);
  }

  /**
   * The model with the backends each frontend's removal budget holds (frontend → backends; absent
   * or empty: none): a held backend that is down keeps its weight, with reason held. Only the
   * frontends whose held set changed change.
   */
  public LiveModel withHeld(Map<String, Set<String>> next) {
    Map<String, Set<String>> clean = HeldSets.clean(next, config);
    if (clean.equals(held)) {
      return this;
    }
    List<Frontend> affected = HeldSets.changed(config, clean, held);
    return new LiveModel(
        version + 1,
        config,
        index,
        states,
        overrides,
        freshSlots(affected),
        suspect,
        slowStart,
        Map.copyOf(clean));
  }

  /** The backends each frontend's removal budget holds, by frontend (only those holding any). */
  public Map<String, Set<String>> held() {
    return held;
  }

  /**
   * A frontend's view in this model as it would be with {@code held} held instead (not kept): what
   * the removal budget weighs its choices with. Empty for a frontend not in the config.
   */
  public Optional<EffectiveWeights.View> viewWithHeld(String frontend, Set<String> held) {
    FrontendSlot slot = frontends.get(frontend);
    if (slot == null) {
      return Optional.empty();
    }
    if (held.equals(this.held.getOrDefault(frontend, Set.of()))) {
      return Optional.of(statusOf(slot).view());
    }
    return Optional.of(
        FrontendStatuses.status(
                slot.frontend,
                slot.backends,
                overrides,
                b -> FrontendStatuses.stateIn(states, b),
                slot.memory,
                frozen(),
                held)
            .view());
  }

  /** The slow-start ramps in force (and what the rule remembers). */
  public SlowStart slowStart() {
    return slowStart;
  }

  /** The checker's suspicion of its own probes, if it has one. */
  public Optional<Suspect> suspect() {
    return Optional.ofNullable(suspect);
  }

  private Set<String> frozen() {
    return suspect == null ? Set.of() : suspect.frozen();
  }

  /**
   * The frontend of a pool entry that exists in this model's config.
   *
   * @throws ModelException NOT_FOUND naming the frontend, pool or backend that is not there
   */
  public Frontend frontendOf(WeightKey key) {
    return FrontendStatuses.frontendOf(config, key);
  }

  /**
   * Fresh slots for the frontends whose inputs changed; the others keep theirs, with any status
   * already computed (it is the same for the same inputs).
   */
  private ShardedMap<String, FrontendSlot> freshSlots(Collection<Frontend> which) {
    Map<String, FrontendSlot> changed = new HashMap<>();
    for (Frontend f : which) {
      FrontendSlot now = frontends.get(f.name());
      ArrayMap.Keys keys = now != null ? now.backends : FrontendStatuses.backendKeys(f);
      changed.put(f.name(), new FrontendSlot(f, keys, memoryFor(f)));
    }
    return frontends.withAll(changed);
  }

  private FrontendStatus statusOf(FrontendSlot slot) {
    return slot.status(states, overrides, frozen(), held, slowStart);
  }

  /** Counts changes: a newer model has a larger version. */
  public long version() {
    return version;
  }

  public Config config() {
    return config;
  }

  /** Which frontends reference each backend. */
  public BackendIndex index() {
    return index;
  }

  /** A backend's state; {@link BackendState#REMOVED} for one not in the config. */
  public BackendState state(String backend) {
    return FrontendStatuses.stateIn(states, backend);
  }

  /** Operator weights in force, by pool entry. */
  public Map<WeightKey, Integer> overrides() {
    return overrides;
  }

  /** Every frontend in config order with its live weights. */
  public List<FrontendStatus> frontends() {
    List<FrontendStatus> out = new ArrayList<>(config.frontends().size());
    for (String name : config.frontends().keySet()) {
      out.add(statusOf(Objects.requireNonNull(frontends.get(name))));
    }
    return out;
  }

  public Optional<FrontendStatus> frontend(String name) {
    FrontendSlot slot = frontends.get(name);
    return slot == null ? Optional.empty() : Optional.of(statusOf(slot));
  }

  /**
   * A frontend's state; unknown for one not in the config. Worked out without computing (or
   * keeping) the frontend's weights when they are not known yet: the checker asks this of every
   * model it announces, most of which the dataplane never reads.
   */
  public FrontendState frontendState(String name) {
    FrontendSlot slot = frontends.get(name);
    if (slot == null) {
      return FrontendState.UNKNOWN;
    }
    FrontendStatus known = slot.status;
    if (known != null) {
      return known.view().state();
    }
    Frontend f = slot.frontend;
    if (f.onAllDown() == OnAllDown.KEEP_LAST) {
      return statusOf(slot).view().state(); // kept weights make it up: that takes the memory
    }
    return FrontendStatuses.quickState(
        f, states, overrides, frozen(), held.getOrDefault(name, Set.of()));
  }

  /**
   * A frontend's mode (normal, panic, kept-last); normal for one not in the config. Only a frontend
   * with {@code min-healthy} or {@code on-all-down: keep-last} can leave normal, so only such a
   * frontend's weights are worked out for it.
   */
  public EffectiveWeights.Mode frontendMode(String name) {
    FrontendSlot slot = frontends.get(name);
    if (slot == null
        || (slot.frontend.minHealthy() == 0 && slot.frontend.onAllDown() != OnAllDown.KEEP_LAST)) {
      return EffectiveWeights.Mode.NORMAL;
    }
    return statusOf(slot).view().mode();
  }

  /** Every frontend's state, by name. */
  public Map<String, FrontendState> frontendStates() {
    Map<String, FrontendState> out = new LinkedHashMap<>();
    for (String name : config.frontends().keySet()) {
      out.put(name, frontendState(name));
    }
    return out;
  }
}
