package ch.ipng.maglev.daemon.model;

import java.time.Instant;

/** What made a new model: listeners act on the kind of change, never by diffing it out. */
public sealed interface ModelChange {
  /** A new config (startup or reload); {@code first} for the one maglevd started with. */
  record ConfigApplied(boolean first) implements ModelChange {}

  /** A backend changed state at {@code time} (a probe verdict or an operator action). */
  record BackendChanged(String backend, Instant time) implements ModelChange {}

  /** An operator set a pool weight. */
  record WeightSet(WeightKey key, int weight) implements ModelChange {}
}
