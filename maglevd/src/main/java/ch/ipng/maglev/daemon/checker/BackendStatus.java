package ch.ipng.maglev.daemon.checker;

import ch.ipng.maglev.config.Backend;
import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.daemon.health.Health;
import ch.ipng.maglev.daemon.probe.ProbeResult;
import java.util.List;

/**
 * A consistent snapshot of one backend.
 *
 * @param transitions newest first
 * @param probes the last probe results, newest first
 */
public record BackendStatus(
    Backend backend,
    HealthCheck check,
    Health health,
    List<Transition> transitions,
    List<ProbeResult> probes) {
  public BackendStatus {
    transitions = List.copyOf(transitions);
    probes = List.copyOf(probes);
  }
}
