package ch.ipng.maglev.daemon.checker;

import ch.ipng.maglev.daemon.health.BackendState;
import java.time.Instant;

/** One state change of a backend, with the probe code and detail that caused it. */
public record Transition(
    Instant time, BackendState from, BackendState to, String code, String detail) {}
