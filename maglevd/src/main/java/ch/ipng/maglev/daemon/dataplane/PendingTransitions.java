package ch.ipng.maglev.daemon.dataplane;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Backends whose transitions wait for the dataplane thread, each with its earliest time: a burst of
 * transitions is drained as one batch.
 */
final class PendingTransitions {
  private final Map<String, Instant> pending = new LinkedHashMap<>();

  /** Queues backends with their times; true when the queue was empty (a drain is due). */
  synchronized boolean addAll(Map<String, Instant> backends) {
    boolean first = pending.isEmpty();
    backends.forEach(pending::putIfAbsent);
    return first && !pending.isEmpty();
  }

  /** Everything queued, oldest first; the queue is empty afterwards. */
  synchronized Map<String, Instant> drain() {
    Map<String, Instant> out = new LinkedHashMap<>(pending);
    pending.clear();
    return out;
  }
}
