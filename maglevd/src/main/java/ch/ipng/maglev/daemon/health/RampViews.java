package ch.ipng.maglev.daemon.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The effective-weights side of {@link SlowStart}: puts ramp weights on a frontend's view and takes
 * them off again, and reads what a view says of one backend.
 */
final class RampViews {
  private RampViews() {}

  /**
   * The view with each entry of {@code caps} carrying at most its cap (see {@link SlowStart#cap}).
   */
  static EffectiveWeights.View capWith(EffectiveWeights.View view, Map<String, Integer> caps) {
    List<Map<String, EffectiveWeights.Weight>> pools = new ArrayList<>();
    List<Map<String, WeightReason>> reasons = new ArrayList<>();
    boolean changed = false;
    for (int i = 0; i < view.pools().size(); i++) {
      Map<String, EffectiveWeights.Weight> pool = new LinkedHashMap<>(view.pools().get(i));
      Map<String, WeightReason> why =
          i < view.reasons().size() ? new LinkedHashMap<>(view.reasons().get(i)) : Map.of();
      for (Map.Entry<String, EffectiveWeights.Weight> e : view.pools().get(i).entrySet()) {
        Integer c = caps.get(e.getKey());
        WeightReason r = why.get(e.getKey());
        if (c == null || e.getValue().weight() <= c) {
          continue;
        }
        if (r == WeightReason.CONFIGURED || r == WeightReason.SLOW_START) {
          pool.put(e.getKey(), new EffectiveWeights.Weight(c, false));
          why.put(e.getKey(), WeightReason.SLOW_START);
          changed = true;
        } else if (holdsRamp(r)) {
          pool.put(e.getKey(), new EffectiveWeights.Weight(c, false));
          changed = true;
        }
      }
      pools.add(pool);
      reasons.add(why);
    }
    if (!changed) {
      return view;
    }
    return new EffectiveWeights.View(
        view.activePool(), view.state(), pools, reasons, view.mode(), view.memory());
  }

  /**
   * The view without the ramps: ramping entries carry their pool weight again ({@link
   * WeightReason#SLOW_START} back to {@link WeightReason#CONFIGURED}).
   */
  static EffectiveWeights.View uncap(
      EffectiveWeights.View view,
      List<Map<String, Integer>> targets,
      Map<String, SlowStart.Ramp> ramps) {
    if (ramps.isEmpty()) {
      return view;
    }
    List<Map<String, EffectiveWeights.Weight>> pools = new ArrayList<>();
    List<Map<String, WeightReason>> reasons = new ArrayList<>();
    for (int i = 0; i < view.pools().size(); i++) {
      Map<String, EffectiveWeights.Weight> pool = new LinkedHashMap<>(view.pools().get(i));
      Map<String, WeightReason> why = new LinkedHashMap<>(view.reasons().get(i));
      for (String b : ramps.keySet()) {
        WeightReason r = why.get(b);
        Integer target = i < targets.size() ? targets.get(i).get(b) : null;
        if (target == null) {
          continue;
        }
        if (r == WeightReason.SLOW_START) {
          pool.put(b, new EffectiveWeights.Weight(target, false));
          why.put(b, WeightReason.CONFIGURED);
        } else if (holdsRamp(r)) {
          pool.put(b, new EffectiveWeights.Weight(target, false));
        }
      }
      pools.add(pool);
      reasons.add(why);
    }
    return new EffectiveWeights.View(
        view.activePool(), view.state(), pools, reasons, view.mode(), view.memory());
  }

  /**
   * Reasons under which a ramping entry keeps its ramp's weight without stepping: it carries the
   * weight it had while up although it is not (self-suspicion's freeze; the removal budget's hold
   * belongs here too).
   */
  static boolean holdsRamp(@Nullable WeightReason r) {
    // self-suspicion and the removal budget keep a down backend's weight: its ramp's, too
    return r == WeightReason.FROZEN || r == WeightReason.HELD;
  }

  /** Why an entry of one pool carries its weight, or null when the pool has no reasons. */
  static @Nullable WeightReason reason(EffectiveWeights.View v, int pool, String b) {
    return pool < v.reasons().size() ? v.reasons().get(pool).get(b) : null;
  }

  /** The pool a backend is in, or -1. */
  static int poolOf(EffectiveWeights.View v, String backend) {
    for (int i = 0; i < v.pools().size(); i++) {
      if (v.pools().get(i).containsKey(backend)) {
        return i;
      }
    }
    return -1;
  }

  /** The largest weight a backend carries in a view (a backend is in one pool of a frontend). */
  static int weightOf(EffectiveWeights.View v, String backend) {
    int w = 0;
    for (Map<String, EffectiveWeights.Weight> p : v.pools()) {
      EffectiveWeights.Weight x = p.get(backend);
      if (x != null) {
        w = Math.max(w, x.weight());
      }
    }
    return w;
  }
}
