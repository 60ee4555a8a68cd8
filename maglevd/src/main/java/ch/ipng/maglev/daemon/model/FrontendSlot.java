package ch.ipng.maglev.daemon.model;

import ch.ipng.maglev.common.ArrayMap;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.EffectiveWeights;
import ch.ipng.maglev.daemon.health.SlowStart;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One frontend's status in a {@link LiveModel}, computed when first asked (by the dataplane, gRPC
 * or the checker's frontend transitions, whichever comes first) and kept. A model is published
 * without computing the statuses a change touches, so a burst of transitions reaches the dataplane
 * at once; two threads asking together compute the same value, and either may keep it. A keep-last
 * frontend's slot holds what the previous model's status remembered (its last serving entries), so
 * its status stays a function of its model alone; that previous status is computed when the slot is
 * made, so no chain of models is kept.
 */
final class FrontendSlot {
  final Frontend frontend;
  final ArrayMap.Keys backends;
  final EffectiveWeights.Memory memory;
  volatile @Nullable FrontendStatus status;

  FrontendSlot(Frontend frontend, ArrayMap.Keys backends, EffectiveWeights.Memory memory) {
    this.frontend = frontend;
    this.backends = backends;
    this.memory = memory;
  }

  /** The status kept, or the status computed from its model's inputs (and then kept). */
  FrontendStatus status(
      ShardedMap<String, BackendState> states,
      Map<WeightKey, Integer> overrides,
      Set<String> frozen,
      Map<String, Set<String>> held,
      SlowStart slowStart) {
    FrontendStatus st = status;
    if (st == null) {
      st =
          FrontendStatuses.status(
              frontend,
              backends,
              overrides,
              b -> FrontendStatuses.stateIn(states, b),
              memory,
              frozen,
              held.getOrDefault(frontend.name(), Set.of()));
      Map<String, SlowStart.Ramp> ramps = slowStart.ramps(frontend.name());
      if (!ramps.isEmpty()) {
        st =
            new FrontendStatus(
                st.frontend(), st.weights(), st.states(), SlowStart.cap(st.view(), ramps));
      }
      status = st;
    }
    return st;
  }
}
