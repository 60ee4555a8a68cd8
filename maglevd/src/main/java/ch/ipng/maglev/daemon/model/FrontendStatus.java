package ch.ipng.maglev.daemon.model;

import ch.ipng.maglev.common.ArrayMap;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.EffectiveWeights;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A frontend with its live weights.
 *
 * @param weights per pool, backend to its pool weight (configured, or set by an operator)
 * @param states the state of every backend the frontend references
 */
public record FrontendStatus(
    Frontend frontend,
    List<Map<String, Integer>> weights,
    Map<String, BackendState> states,
    EffectiveWeights.View view) {
  public FrontendStatus {
    weights = List.copyOf(weights);
    // the model's statuses are array maps already: no wrapper for each
    states = states instanceof ArrayMap<BackendState> a ? a : Collections.unmodifiableMap(states);
  }
}
