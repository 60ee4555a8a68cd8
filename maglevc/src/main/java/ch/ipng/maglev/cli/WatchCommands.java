package ch.ipng.maglev.cli;

import ch.ipng.maglev.cli.tree.Invocation;
import ch.ipng.maglev.cli.tree.Node;
import ch.ipng.maglev.cli.tree.Node.Slot;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.WatchRequest;
import com.google.protobuf.util.JsonFormat;
import java.util.Iterator;

/** {@code watch events}: maglevd's live transitions and log records, one JSON line each. */
final class WatchCommands {
  private final Session session;

  private WatchCommands(Session session) {
    this.session = session;
  }

  /** Adds {@code watch} under {@code root}. */
  static void addTo(Node root, Session session) {
    WatchCommands c = new WatchCommands(session);
    Node events =
        root.word("watch", "follow live events")
            .word("events", "transitions and logs until a key is pressed")
            .options()
            .action(c::watchEvents);
    events.word("num", "stop after n events").slot(Slot.COUNT, "number of events");
    Node log = events.word("log", "log records (info and up)");
    log.word("level", "minimum log level").slot(Slot.LEVEL, "debug, info, warn or error");
    events.word("backend", "backend transitions");
    events.word("frontend", "frontend transitions");
    events.word("override", "overrides set, cleared and expired");
    events.word("audit", "the audit trail: every change made or refused");
  }

  private Output out() {
    return session.output();
  }

  private void watchEvents(Invocation inv) throws Exception {
    boolean log = inv.has("log");
    boolean backend = inv.has("backend");
    boolean frontend = inv.has("frontend");
    boolean override = inv.has("override");
    boolean audit = inv.has("audit");
    if (!log && !backend && !frontend && !override && !audit) {
      log = true;
      backend = true;
      frontend = true;
      override = true;
    }
    WatchRequest req =
        WatchRequest.newBuilder()
            .setLog(log)
            .setLogLevel(inv.value(Slot.LEVEL).orElse("info"))
            .setBackend(backend)
            .setFrontend(frontend)
            .setOverride(override)
            .setAudit(audit)
            .build();
    long limit = inv.value(Slot.COUNT).map(Long::parseLong).orElse(Long.MAX_VALUE);
    JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
    session.watch(
        req,
        (Iterator<Event> events) -> {
          long n = 0;
          while (n < limit && events.hasNext()) {
            out().line(printer.print(events.next()));
            out().flush();
            n++;
          }
        });
  }
}
