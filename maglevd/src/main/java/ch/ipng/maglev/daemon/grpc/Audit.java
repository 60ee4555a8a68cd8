package ch.ipng.maglev.daemon.grpc;

import static java.util.Objects.requireNonNull;

import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.events.MaglevEvent;
import io.grpc.Status;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: every call that may change something, allowed or refused, is one {@code audit}
 * log line (actor, identity, peer, role, RPC, arguments, result) and one {@link
 * MaglevEvent.AuditRecord} on the event bus, for WatchEvents subscribers who ask for audit events.
 */
public final class Audit {
  private static final Logger logger = LoggerFactory.getLogger(Audit.class);

  /** Audits nothing (tests that do not look). */
  public static final Audit NONE = new Audit(null, Clock.systemUTC());

  private final @Nullable EventBus bus;
  private final Clock clock;

  private Audit(@Nullable EventBus bus, Clock clock) {
    this.bus = bus;
    this.clock = clock;
  }

  public static Audit of(EventBus bus, Clock clock) {
    return new Audit(requireNonNull(bus, "bus"), requireNonNull(clock, "clock"));
  }

  /**
   * One audited call.
   *
   * @param identity the certificate identity, or null without client certificates
   * @param role the caller's role, or "none"
   */
  public record Entry(
      String actor,
      @Nullable String identity,
      String peer,
      String role,
      String rpc,
      Map<String, String> args,
      Status status) {}

  void record(Entry e) {
    if (bus == null) {
      return;
    }
    String result = e.status().getCode().name();
    String detail = e.status().getDescription() == null ? "" : e.status().getDescription();
    logger
        .atInfo()
        .setMessage("audit")
        .addKeyValue("actor", e.actor())
        .addKeyValue("identity", e.identity() == null ? "" : e.identity())
        .addKeyValue("peer", e.peer())
        .addKeyValue("role", e.role())
        .addKeyValue("rpc", e.rpc())
        .addKeyValue(
            "args",
            e.args().entrySet().stream()
                .map(a -> a.getKey() + "=" + a.getValue())
                .collect(Collectors.joining(" ")))
        .addKeyValue("result", result)
        .addKeyValue("detail", detail)
        .log();
    bus.publish(
        new MaglevEvent.AuditRecord(
            clock.instant(),
            e.actor(),
            e.identity() == null ? "" : e.identity(),
            e.peer(),
            e.role(),
            e.rpc(),
            e.args(),
            result,
            detail));
  }
}
