package ch.ipng.maglev.daemon.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One frontend's removal budget ({@code max-drain} within {@code max-drain-window}): a pure rule
 * over the frontend's weights before and after a change, with the time given (docs/config-guide.md
 * states it). Immutable; every step makes a new value.
 *
 * <p>Capacity is effective weight, not a count of backends: the share of new flows a backend takes
 * is its weight over the frontend's total, so weight is what a removal takes away from the VIP. A
 * <em>health removal</em> is a backend that carried weight before and, by health alone, would carry
 * none now: it is down, and neither panic nor keep-last nor self-suspicion's freeze keeps its
 * weight. Within any window, health removals together may take at most {@code maxDrain} percent of
 * the capacity, which is the weight serving now plus the weight removed within the window; the
 * first removal in a window always goes through (as Envoy's max_ejection_percent ejects at least
 * one host), so a small frontend still drains a dead backend. A removal over the budget is
 * <em>held</em>: the backend keeps the weight it served with, counted as up by every other rule,
 * until the window allows it, it comes up again, an operator takes it out (pause, disable, weight
 * 0, removal) or releases it.
 *
 * <p>Pool failover goes first: when holding would keep a pool active that health alone fails over
 * from, to a pool that is healthy enough, nothing is held and those removals are not counted (the
 * fallback pool serves instead). Panic and keep-last keep down backends' weights themselves, so
 * their backends are no removals; a backend frozen by self-suspicion is none either, until the
 * suspicion lifts. A hold never starts a panic: while a frontend holds backends, its weights are
 * computed without min-healthy ({@link #whileHolding}), so a held backend keeps its own weight and
 * does not bring back the ones drained beside it. Operator actions always apply at once and are
 * never counted.
 */
public final class RemovalBudget {
  /**
   * A frontend's budget.
   *
   * @param maxDrain percent (0-100, 0 = off) of the capacity health may remove within the window
   * @param window how long a removal counts against the budget
   */
  public record Settings(int maxDrain, Duration window) {
    public static final Settings OFF = new Settings(0, Duration.ofMinutes(1));

    public Settings {
      Objects.requireNonNull(window, "window");
      if (maxDrain < 0 || maxDrain > 100) {
        throw new IllegalArgumentException("max-drain: " + maxDrain + " (expected: 0-100)");
      }
      if (!window.isPositive()) {
        throw new IllegalArgumentException("max-drain-window: " + window + " (expected: > 0)");
      }
    }

    public boolean enabled() {
      return maxDrain > 0;
    }
  }

  /** A health removal the budget let through: it counts until {@code time + window}. */
  public record Drain(String backend, int weight, Instant time) {}

  /** Why a held backend is held no more. */
  public enum Release {
    /** The window allows its removal now: it is drained. */
    WINDOW,
    /** An operator released it: it is drained. */
    OPERATOR,
    /** Pool failover took its pool out of service: nothing needs holding. */
    FAILOVER,
    /** It is no removal any more: up again, taken out by an operator, or the budget turned off. */
    CLEARED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Something the log and the event stream tell.
   *
   * @param held true when the backend became held, false when it was released
   * @param release why it was released (null when held)
   * @param weight the weight it serves (or served) with
   * @param drained the weight removed within the window at that moment
   * @param capacity the capacity the budget is measured against at that moment
   */
  public record Event(
      String backend,
      boolean held,
      @Nullable Release release,
      int weight,
      long drained,
      long capacity) {}

  /** The outcome of one step: the next budget, the frontend's view and what to tell. */
  public record Step(RemovalBudget budget, EffectiveWeights.View view, List<Event> events) {
    public Step {
      events = List.copyOf(events);
    }
  }

  private final Settings settings;
  private final List<Drain> drains;
  // held backend → since when, oldest first
  private final Map<String, Instant> held;
  // released by an operator while down: drained, not counted, not held again until it comes up
  private final Set<String> released;

  private RemovalBudget(
      Settings settings, List<Drain> drains, Map<String, Instant> held, Set<String> released) {
    this.settings = settings;
    this.drains = drains;
    this.held = held;
    this.released = released;
  }

  /** Nothing drained, nothing held. */
  public static RemovalBudget of(Settings settings) {
    return new RemovalBudget(
        Objects.requireNonNull(settings, "settings"), List.of(), Map.of(), Set.of());
  }

  public Settings settings() {
    return settings;
  }

  /** The held backends, oldest first. */
  public Set<String> held() {
    return held.keySet();
  }

  /** When each held backend was held. */
  public Map<String, Instant> heldSince() {
    return held;
  }

  /** The removals counted, oldest first (some may be past the window until the next step). */
  public List<Drain> drains() {
    return drains;
  }

  /** Whether the budget holds nothing and remembers nothing: a step with it off changes nothing. */
  public boolean inert() {
    return !settings.enabled() && drains.isEmpty() && held.isEmpty() && released.isEmpty();
  }

  /**
   * When a step can next release a held backend with nothing else changing (the oldest counted
   * removal leaves the window), or empty when nothing is held.
   */
  public Optional<Instant> nextDeadline() {
    if (held.isEmpty() || drains.isEmpty()) {
      return Optional.empty();
    }
    Instant first = drains.get(0).time();
    for (Drain d : drains) {
      first = d.time().isBefore(first) ? d.time() : first;
    }
    return Optional.of(first.plus(settings.window()));
  }

  /** The same budget under new settings (a reload); what was counted and held stays. */
  public RemovalBudget withSettings(Settings next) {
    return new RemovalBudget(Objects.requireNonNull(next, "settings"), drains, held, released);
  }

  /**
   * An operator's release: every held backend is drained at the next step, not counted, and not
   * held again while it stays down.
   */
  public RemovalBudget release() {
    if (held.isEmpty()) {
      return this;
    }
    Set<String> r = new HashSet<>(released);
    r.addAll(held.keySet());
    return new RemovalBudget(settings, drains, Map.of(), Set.copyOf(r));
  }

  /**
   * One step of the rule for the frontend.
   *
   * @param now the time
   * @param before the frontend's view as last published (null: none, nothing can be a removal)
   * @param states each backend's state now
   * @param compute the frontend's view now with the given backends held (a held backend that is
   *     down is computed as up, and, when any is held, with the policy {@link #whileHolding}); the
   *     caller includes self-suspicion's frozen backends
   */
  public Step step(
      Instant now,
      EffectiveWeights.@Nullable View before,
      Function<String, BackendState> states,
      Function<Set<String>, EffectiveWeights.View> compute) {
    List<Drain> recent = new ArrayList<>();
    for (Drain d : drains) {
      // turned off, it forgets what it counted: turned on again, it starts afresh
      if (settings.enabled() && d.time().plus(settings.window()).isAfter(now)) {
        recent.add(d);
      }
    }
    Set<String> stillReleased = new HashSet<>();
    for (String b : released) {
      if (states.apply(b) == BackendState.DOWN) {
        stillReleased.add(b);
      }
    }
    EffectiveWeights.View alone = compute.apply(Set.of());
    Map<String, Integer> servedBefore = before == null ? Map.of() : served(before);
    Map<String, Integer> wouldServe = served(alone);
    // candidates: the held ones first (oldest first), then new ones in name order
    Set<String> order = new java.util.LinkedHashSet<>(held.keySet());
    order.addAll(new TreeSet<>(servedBefore.keySet()));
    List<String> candidates = new ArrayList<>();
    if (settings.enabled()) {
      for (String b : order) {
        if (states.apply(b) == BackendState.DOWN
            && servedBefore.getOrDefault(b, 0) > 0
            && wouldServe.getOrDefault(b, 0) == 0
            && !stillReleased.contains(b)) {
          candidates.add(b);
        }
      }
    }
    long drained = 0;
    for (Drain d : recent) {
      drained += d.weight();
    }
    long capacity = drained;
    for (int w : servedBefore.values()) {
      capacity += w;
    }
    List<Event> events = new ArrayList<>();
    Map<String, Instant> nextHeld = new LinkedHashMap<>();
    Map<String, Release> releasedNow = new LinkedHashMap<>();
    if (!candidates.isEmpty()) {
      EffectiveWeights.View holdAll = compute.apply(Set.copyOf(candidates));
      Map<String, Integer> holding = served(holdAll);
      // holding would not keep it serving (an operator weight of 0): nothing to hold
      candidates.removeIf(b -> holding.getOrDefault(b, 0) == 0);
      boolean failover =
          alone.activePool() >= 0
              && alone.mode() == EffectiveWeights.Mode.NORMAL
              && alone.activePool() != holdAll.activePool();
      for (String b : candidates) {
        int w = servedBefore.get(b);
        if (failover) {
          releasedNow.put(b, Release.FAILOVER);
        } else if (recent.isEmpty()
            || (drained + w) * 100 <= (long) settings.maxDrain() * capacity) {
          recent.add(new Drain(b, w, now));
          drained += w;
          releasedNow.put(b, Release.WINDOW);
        } else {
          Instant since = held.get(b);
          nextHeld.put(b, since == null ? now : since);
          if (since == null) {
            events.add(new Event(b, true, null, w, drained, capacity));
          }
        }
      }
    }
    for (String b : held.keySet()) {
      if (!nextHeld.containsKey(b)) {
        Release why = releasedNow.getOrDefault(b, Release.CLEARED);
        events.add(new Event(b, false, why, servedBefore.getOrDefault(b, 0), drained, capacity));
      }
    }
    EffectiveWeights.View view =
        nextHeld.isEmpty() ? alone : compute.apply(Set.copyOf(nextHeld.keySet()));
    RemovalBudget next =
        new RemovalBudget(
            settings,
            List.copyOf(recent),
            java.util.Collections.unmodifiableMap(nextHeld),
            Set.copyOf(stillReleased));
    return new Step(next, view, events);
  }

  /**
   * The policy a frontend's weights are computed with while it holds backends: min-healthy off (a
   * held backend counts as up for choosing the pool, never toward a panic), on-all-down as it is.
   */
  public static EffectiveWeights.Policy whileHolding(EffectiveWeights.Policy p) {
    return p.minHealthy() == 0 ? p : new EffectiveWeights.Policy(0, p.keepLast());
  }

  /**
   * Relabels a view computed with {@code held} among the frozen backends: an entry that is so only
   * because the budget holds it (reason frozen, backend held, not frozen by self-suspicion) is
   * held.
   */
  public static EffectiveWeights.View label(
      EffectiveWeights.View view, Set<String> held, Set<String> frozen) {
    if (held.isEmpty()) {
      return view;
    }
    List<Map<String, WeightReason>> reasons = new ArrayList<>();
    for (Map<String, WeightReason> pool : view.reasons()) {
      Map<String, WeightReason> out = new LinkedHashMap<>(pool);
      out.replaceAll(
          (b, r) ->
              r == WeightReason.FROZEN && held.contains(b) && !frozen.contains(b)
                  ? WeightReason.HELD
                  : r);
      reasons.add(java.util.Collections.unmodifiableMap(out));
    }
    return new EffectiveWeights.View(
        view.activePool(), view.state(), view.pools(), reasons, view.mode(), view.memory());
  }

  /** Backend → the weight it carries across the frontend's pools (only those above 0). */
  private static Map<String, Integer> served(EffectiveWeights.View v) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Map<String, EffectiveWeights.Weight> pool : v.pools()) {
      pool.forEach(
          (b, w) -> {
            if (w.weight() > 0) {
              out.merge(b, w.weight(), Integer::sum);
            }
          });
    }
    return out;
  }

  @Override
  public String toString() {
    return "RemovalBudget[held=" + held.keySet() + ", drains=" + drains + "]";
  }
}
