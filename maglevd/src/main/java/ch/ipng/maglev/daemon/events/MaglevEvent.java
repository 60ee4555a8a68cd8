package ch.ipng.maglev.daemon.events;

import ch.ipng.maglev.common.Levels;
import ch.ipng.maglev.daemon.health.BackendState;
import ch.ipng.maglev.daemon.health.FrontendState;
import ch.ipng.maglev.daemon.override.OperatorOverride;
import java.time.Instant;
import java.util.Map;

/** Something subscribers hear about. */
public sealed interface MaglevEvent {
  Instant time();

  /** A backend changed state; {@code code} and {@code detail} say why. */
  record BackendTransition(
      Instant time, String backend, BackendState from, BackendState to, String code, String detail)
      implements MaglevEvent {}

  /** A frontend's aggregate state changed (from == to for the synthetic initial events). */
  record FrontendTransition(Instant time, String frontend, FrontendState from, FrontendState to)
      implements MaglevEvent {}

  /**
   * An operator override was set, cleared (by an operator, or a reload or another change made it
   * moot) or expired; {@code override} is the override as it was set.
   *
   * @param action "set", "cleared" or "expired"
   * @param by who cleared it; empty for "set"
   */
  record OverrideChanged(Instant time, String action, OperatorOverride override, String by)
      implements MaglevEvent {}

  /**
   * A call that may change something, allowed or refused (the audit trail).
   *
   * @param identity the caller's certificate identity, empty without client certificates
   * @param result the call's gRPC status code, e.g. "OK", "PERMISSION_DENIED"
   */
  record AuditRecord(
      Instant time,
      String actor,
      String identity,
      String peer,
      String role,
      String rpc,
      Map<String, String> args,
      String result,
      String detail)
      implements MaglevEvent {
    public AuditRecord {
      args = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args));
    }
  }

  /**
   * A log record.
   *
   * @param level "debug", "info", "warn" or "error"
   */
  record LogRecord(Instant time, String level, String msg, Map<String, String> attrs)
      implements MaglevEvent {
    public LogRecord {
      attrs = Map.copyOf(attrs);
    }

    /** 0 debug, 1 info, 2 warn, 3 error. */
    public int severity() {
      return Levels.severity(level);
    }
  }
}
