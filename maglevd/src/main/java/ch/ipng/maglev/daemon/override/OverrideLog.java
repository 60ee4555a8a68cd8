package ch.ipng.maglev.daemon.override;

import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link Overrides} tells what it does: the log line of each override set, cleared, expired or
 * restored, and the transition details naming who asked, why and for how long.
 */
final class OverrideLog {
  // the overrides' logger: its log lines keep their logger name
  private static final Logger logger = LoggerFactory.getLogger(Overrides.class);

  private OverrideLog() {}

  /** The detail of an operator's transition: verb, actor, reason and ttl. */
  static String detail(String verb, Overrides.Request r) {
    return "operator "
        + verb
        + " by "
        + r.actor()
        + (r.reason().isEmpty() ? "" : ": " + r.reason())
        + (r.ttl() == null
            ? ""
            : " (for " + r.ttl().toString().substring(2).toLowerCase(Locale.ROOT) + ")");
  }

  /** " by actor (reason)": who set an override, for the details of what it does later. */
  static String by(OperatorOverride o) {
    return " by " + o.actor() + (o.reason().isEmpty() ? "" : " (" + o.reason() + ")");
  }

  /** Logs an override with {@code msg} as the message; {@code note} when not empty. */
  static void log(String msg, OperatorOverride o, String note) {
    var l =
        logger
            .atInfo()
            .setMessage(msg)
            .addKeyValue("backend", o.backend())
            .addKeyValue("kind", o.kind().label());
    if (o.kind() == OperatorOverride.Kind.WEIGHT) {
      l =
          l.addKeyValue("frontend", o.key().frontend())
              .addKeyValue("pool", o.key().pool())
              .addKeyValue("weight", o.weight());
    }
    l = l.addKeyValue("actor", o.actor()).addKeyValue("reason", o.reason());
    Instant until = o.until();
    if (until != null) {
      l = l.addKeyValue("until", until.toString());
    }
    if (!note.isEmpty()) {
      l = l.addKeyValue("note", note);
    }
    l.log();
  }
}
