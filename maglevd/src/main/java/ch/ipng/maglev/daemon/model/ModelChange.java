package ch.ipng.maglev.daemon.model;

import java.time.Instant;
import java.util.Map;

/** What made a new model: listeners act on the kind of change, never by diffing it out. */
public sealed interface ModelChange {
  /** A new config (startup or reload); {@code first} for the one maglevd started with. */
  record ConfigApplied(boolean first) implements ModelChange {}

  /**
   * Backends changed state (probe verdicts or operator actions), each with the time of its first
   * transition in this change: a burst of transitions is applied as one model.
   */
  record BackendsChanged(Map<String, Instant> backends) implements ModelChange {
    public BackendsChanged {
      backends = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(backends));
    }
  }

  /** An operator set a pool weight. */
  record WeightSet(WeightKey key, int weight) implements ModelChange {}
}
