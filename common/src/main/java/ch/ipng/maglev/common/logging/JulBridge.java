package ch.ipng.maglev.common.logging;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Routes java.util.logging (grpc-java and what it shades) through SLF4J, so its records become JSON
 * lines like every other instead of multi-line {@code SEVERE:} text on stderr. Pair with logback's
 * {@code LevelChangePropagator} so JUL does not build records logback drops.
 */
public final class JulBridge {
  private JulBridge() {}

  /** Replaces JUL's root handlers (the console handler) with the SLF4J bridge; idempotent. */
  public static void install() {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }
}
