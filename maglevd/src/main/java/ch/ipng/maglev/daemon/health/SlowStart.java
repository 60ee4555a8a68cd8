package ch.ipng.maglev.daemon.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Slow start within a churn budget: a pure rule over a frontend's effective weights and a clock
 * (docs/config-guide.md, "Slow start", states it). Immutable; every input makes a new value.
 *
 * <p>A backend that comes up in a frontend's active pool (reason {@link WeightReason#CONFIGURED})
 * while the entry carried weight 0 just before, and that had a state other than unknown before (so
 * not its first verdict after maglevd started or the backend was added), starts a ramp at weight 1.
 * Every tick (a tenth of its slow-start, at least {@link #MIN_TICK}) the ramp aims at {@code target
 * × elapsed ÷ slow-start} and steps to the largest weight toward that aim whose VIP new-flow table
 * differs from the table before the step in at most {@code maxChurn} percent of the buckets; the
 * ramps of one frontend share that bound. When not even +1 fits and no other ramp of the frontend
 * stepped, +1 is taken anyway ({@link Step#overBound}), so every ramp ends. A ramp ends when it
 * reaches its target, and is dropped when its entry no longer carries its pool weight (down,
 * paused, disabled, removed, standby, panic, kept-last), when its pool weight changes (an
 * operator's weight applies at once) or when slow start is turned off for it. While self-suspicion
 * freezes a ramping backend ({@link WeightReason#FROZEN}) the ramp holds its weight without
 * stepping.
 */
public final class SlowStart {
  /** Ticks per slow-start: the ramp is re-evaluated every tenth of it. */
  public static final int TICKS = 10;

  /** The shortest tick, for very short slow-starts. */
  public static final Duration MIN_TICK = Duration.ofMillis(100);

  private static final SlowStart NONE = new SlowStart(Map.of(), Set.of());

  /**
   * One backend's ramp in one frontend.
   *
   * @param weight the weight it carries now, at least 1 and below {@code target}
   * @param target the pool weight it ramps to
   * @param since when the ramp began
   * @param duration the slow-start it follows
   * @param next when its next step is due
   */
  public record Ramp(int weight, int target, Instant since, Duration duration, Instant next) {
    public Ramp {
      Objects.requireNonNull(since, "since");
      Objects.requireNonNull(duration, "duration");
      Objects.requireNonNull(next, "next");
      if (weight < 1 || weight >= target) {
        throw new IllegalArgumentException(
            "weight: " + weight + " (expected: 1-" + (target - 1) + ")");
      }
    }

    /** When the ramp is due to end. */
    public Instant end() {
      return since.plus(duration);
    }

    /** Time until {@link #end}, zero once it has passed. */
    public Duration left(Instant now) {
      Duration d = Duration.between(now, end());
      return d.isNegative() ? Duration.ZERO : d;
    }

    /** The weight the ramp aims at now: {@code target × elapsed ÷ duration}, rounded up. */
    public int aim(Instant now) {
      long elapsed = Duration.between(since, now).toNanos();
      long total = duration.toNanos();
      if (elapsed >= total) {
        return target;
      }
      if (elapsed <= 0) {
        return weight;
      }
      return (int) Math.max(weight, (target * elapsed + total - 1) / total);
    }
  }

  /**
   * What the rule sees of one frontend in one model.
   *
   * @param name the frontend
   * @param view its effective weights, with the ramps in force applied ({@link #cap})
   * @param targets per pool, backend to its pool weight (configured, or an operator's)
   * @param states every backend of the frontend to its state
   * @param durations backend to its slow-start in this frontend (zero or absent: off)
   * @param maxChurn the percentage (1-100) of the VIP's buckets one step may move
   */
  public record Frontend(
      String name,
      EffectiveWeights.View view,
      List<Map<String, Integer>> targets,
      Map<String, BackendState> states,
      Map<String, Duration> durations,
      int maxChurn) {
    public Frontend {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(view, "view");
      targets = List.copyOf(targets);
      states = Map.copyOf(states);
      durations = Map.copyOf(durations);
      if (maxChurn < 1 || maxChurn > 100) {
        throw new IllegalArgumentException("maxChurn: " + maxChurn + " (expected: 1-100)");
      }
    }

    /** Whether any backend of the frontend has slow start. */
    public boolean on() {
      for (Duration d : durations.values()) {
        if (d.isPositive()) {
          return true;
        }
      }
      return false;
    }

    private Duration duration(String backend) {
      return durations.getOrDefault(backend, Duration.ZERO);
    }
  }

  /** The new-flow table of a frontend's VIP for effective weights: bucket to AS. */
  @FunctionalInterface
  public interface Table {
    int[] of(EffectiveWeights.View view);
  }

  /**
   * One step taken.
   *
   * @param moved buckets the step moved, counted over the whole frontend's step
   * @param bound the most buckets a step may move
   * @param overBound the smallest step (+1) did not fit and was taken anyway
   */
  public record Step(
      String frontend, String backend, int from, int to, int moved, int bound, boolean overBound) {}

  // frontend -> backend -> ramp; no empty inner maps
  private final Map<String, Map<String, Ramp>> ramps;
  // backends that had a state other than unknown: their next up is not a first verdict
  private final Set<String> seen;

  private SlowStart(Map<String, Map<String, Ramp>> ramps, Set<String> seen) {
    this.ramps = ramps;
    this.seen = seen;
  }

  /** No ramps, nothing seen: maglevd has just started. */
  public static SlowStart none() {
    return NONE;
  }

  /** The ramps of one frontend, by backend (empty when none). */
  public Map<String, Ramp> ramps(String frontend) {
    return ramps.getOrDefault(frontend, Map.of());
  }

  /** Every ramp, by frontend and backend. */
  public Map<String, Map<String, Ramp>> ramps() {
    return ramps;
  }

  /** Whether any backend ramps anywhere. */
  public boolean ramping() {
    return !ramps.isEmpty();
  }

  /** When the next step is due, if any backend ramps. */
  public Optional<Instant> nextStep() {
    Instant min = null;
    for (Map<String, Ramp> f : ramps.values()) {
      for (Ramp r : f.values()) {
        if (min == null || r.next().isBefore(min)) {
          min = r.next();
        }
      }
    }
    return Optional.ofNullable(min);
  }

  /** The tick of a slow-start: a tenth of it, at least {@link #MIN_TICK}. */
  public static Duration tick(Duration slowStart) {
    Duration t = slowStart.dividedBy(TICKS);
    return t.compareTo(MIN_TICK) < 0 ? MIN_TICK : t;
  }

  /**
   * The rule after a model change, for one frontend: ramps start for backends that came up, and end
   * for entries that no longer carry their pool weight. Backends not in the frontend lose their
   * ramps in it.
   *
   * @param before the frontend in the model before the change, or null when it is new
   * @param after the frontend in the model after it, with the ramps of this value applied
   */
  public SlowStart changed(Instant now, @Nullable Frontend before, Frontend after) {
    Map<String, Ramp> old = ramps(after.name());
    Map<String, Ramp> next = new LinkedHashMap<>();
    Set<String> seenNow = new HashSet<>();
    for (int i = 0; i < after.targets().size(); i++) {
      for (Map.Entry<String, Integer> e : after.targets().get(i).entrySet()) {
        String b = e.getKey();
        int target = e.getValue();
        Duration d = after.duration(b);
        WeightReason why = RampViews.reason(after.view(), i, b);
        BackendState s = after.states().get(b);
        Ramp r = old.get(b);
        if (r != null) {
          if (d.isPositive()
              && r.target() == target
              && (why == WeightReason.SLOW_START
                  || why == WeightReason.CONFIGURED
                  || RampViews.holdsRamp(why))) {
            next.put(b, r.duration().equals(d) ? r : withDuration(r, d));
          }
        } else if (d.isPositive()
            && target > 1
            && why == WeightReason.CONFIGURED
            && s == BackendState.UP
            && before != null
            && before.states().get(b) != BackendState.UP
            && RampViews.weightOf(before.view(), b) == 0
            && (seen.contains(b) || seenIn(before, b))) {
          next.put(b, new Ramp(1, target, now, d, now.plus(tick(d))));
        }
        if (s != null && s != BackendState.UNKNOWN && !seen.contains(b)) {
          seenNow.add(b);
        }
      }
    }
    if (before != null) {
      before
          .states()
          .forEach(
              (b, s) -> {
                if (s != BackendState.UNKNOWN && !seen.contains(b)) {
                  seenNow.add(b);
                }
              });
    }
    if (next.equals(old) && seenNow.isEmpty()) {
      return this;
    }
    return new SlowStart(with(after.name(), next), withSeen(seenNow));
  }

  private static boolean seenIn(Frontend before, String backend) {
    BackendState s = before.states().get(backend);
    return s != null && s != BackendState.UNKNOWN;
  }

  /**
   * Takes the steps due by {@code now} in one frontend; {@code steps} hears each one.
   *
   * @param f the frontend now, with the ramps of this value applied
   * @param table the VIP's new-flow table for a view of the frontend
   */
  public SlowStart stepped(
      Instant now, Frontend f, Table table, java.util.function.Consumer<Step> steps) {
    Map<String, Ramp> old = ramps(f.name());
    List<String> due = new ArrayList<>();
    for (Map.Entry<String, Ramp> e : new TreeMap<>(old).entrySet()) {
      if (!e.getValue().next().isAfter(now)) {
        due.add(e.getKey());
      }
    }
    if (due.isEmpty()) {
      return this;
    }
    EffectiveWeights.View uncapped = RampViews.uncap(f.view(), f.targets(), old);
    int[] start = table.of(f.view());
    int bound = (int) ((long) f.maxChurn() * start.length / 100);
    Map<String, Ramp> next = new LinkedHashMap<>(old);
    Map<String, Integer> weights = new HashMap<>();
    old.forEach((b, r) -> weights.put(b, r.weight()));
    boolean anyStepped = false;
    for (String b : due) {
      Ramp r = old.get(b);
      int p = RampViews.poolOf(f.view(), b);
      WeightReason why = p < 0 ? null : f.view().reasons().get(p).get(b);
      Instant nextAt = now.plus(tick(r.duration()));
      int aim = Math.min(r.aim(now), r.target());
      if (why != WeightReason.SLOW_START || aim <= r.weight()) {
        // held (frozen), or nothing to do yet: only the next tick moves
        next.put(b, new Ramp(r.weight(), r.target(), r.since(), r.duration(), nextAt));
        continue;
      }
      int chosen = -1;
      int moved = 0;
      for (int w = aim; w > r.weight(); w--) {
        weights.put(b, w);
        int m = moved(start, table.of(RampViews.capWith(uncapped, weights)));
        if (m <= bound) {
          chosen = w;
          moved = m;
          break;
        }
      }
      boolean over = false;
      if (chosen < 0) {
        if (anyStepped) {
          weights.put(b, r.weight()); // the others took this step's bound: next tick
          next.put(b, new Ramp(r.weight(), r.target(), r.since(), r.duration(), nextAt));
          continue;
        }
        chosen = r.weight() + 1;
        weights.put(b, chosen);
        moved = moved(start, table.of(RampViews.capWith(uncapped, weights)));
        over = true;
      }
      weights.put(b, chosen);
      anyStepped = true;
      steps.accept(new Step(f.name(), b, r.weight(), chosen, moved, bound, over));
      if (chosen >= r.target()) {
        next.remove(b);
        weights.remove(b);
      } else {
        next.put(b, new Ramp(chosen, r.target(), r.since(), r.duration(), nextAt));
      }
    }
    return new SlowStart(with(f.name(), next), seen);
  }

  /** Backends gone from the config are forgotten: one added again is new. */
  public SlowStart retain(Set<String> backends, Set<String> frontends) {
    Map<String, Map<String, Ramp>> r = new LinkedHashMap<>();
    ramps.forEach(
        (f, m) -> {
          if (frontends.contains(f)) {
            Map<String, Ramp> kept = new LinkedHashMap<>(m);
            kept.keySet().retainAll(backends);
            if (!kept.isEmpty()) {
              r.put(f, Map.copyOf(kept));
            }
          }
        });
    Set<String> s = new HashSet<>(seen);
    s.retainAll(backends);
    if (r.equals(ramps) && s.equals(seen)) {
      return this;
    }
    return new SlowStart(Map.copyOf(r), Set.copyOf(s));
  }

  /**
   * A frontend's effective weights with its ramps applied: an entry that carries its pool weight
   * ({@link WeightReason#CONFIGURED}) and ramps carries the ramp's weight instead, reason {@link
   * WeightReason#SLOW_START}; a frozen one carries the ramp's weight and stays frozen.
   */
  public static EffectiveWeights.View cap(EffectiveWeights.View view, Map<String, Ramp> ramps) {
    if (ramps.isEmpty()) {
      return view;
    }
    Map<String, Integer> weights = new HashMap<>();
    ramps.forEach((b, r) -> weights.put(b, r.weight()));
    return RampViews.capWith(view, weights);
  }

  /** Buckets whose AS differs between two tables of one length. */
  public static int moved(int[] before, int[] after) {
    if (before.length != after.length) {
      throw new IllegalArgumentException(
          "tables of " + before.length + " and " + after.length + " buckets");
    }
    int n = 0;
    for (int i = 0; i < before.length; i++) {
      if (before[i] != after[i]) {
        n++;
      }
    }
    return n;
  }

  private static Ramp withDuration(Ramp r, Duration d) {
    return new Ramp(r.weight(), r.target(), r.since(), d, r.next());
  }

  private Map<String, Map<String, Ramp>> with(String frontend, Map<String, Ramp> of) {
    Map<String, Map<String, Ramp>> out = new LinkedHashMap<>(ramps);
    if (of.isEmpty()) {
      out.remove(frontend);
    } else {
      out.put(frontend, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(of)));
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private Set<String> withSeen(Set<String> more) {
    if (more.isEmpty()) {
      return seen;
    }
    Set<String> s = new HashSet<>(seen);
    s.addAll(more);
    return Set.copyOf(s);
  }

  @Override
  public String toString() {
    return "SlowStart" + ramps;
  }
}
