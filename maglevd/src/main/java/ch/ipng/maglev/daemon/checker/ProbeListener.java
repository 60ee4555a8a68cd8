package ch.ipng.maglev.daemon.checker;

import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.daemon.probe.ProbeResult;

/** Hears every probe result (metrics); must be quick and must not throw. */
public interface ProbeListener {
  void probed(String backend, HealthCheck check, ProbeResult result);

  /** The backend's rise/fall counter changed (a probe, an operator action or a restart). */
  default void counted(String backend, int counter) {}

  /** A probe started {@code latenessNanos} after its scheduled time (scheduler health). */
  default void started(long latenessNanos) {}

  /** The checker began to suspect its own probes (self-suspicion) on this evidence. */
  default void suspected(ch.ipng.maglev.daemon.health.SelfSuspicion.Evidence evidence) {}

  /** A frontend's removal budget (max-drain) began to hold a backend that health would drain. */
  default void drainHeld(String frontend, String backend) {}

  ProbeListener NONE = (b, c, r) -> {};
}
