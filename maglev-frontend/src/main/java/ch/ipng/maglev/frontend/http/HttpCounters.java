package ch.ipng.maglev.frontend.http;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the listener's limits refused, counted since the start, and served at {@code /metrics} in
 * Prometheus' text format: the dashboard's own counterpart of maglevd's drop metrics.
 */
final class HttpCounters {
  final AtomicInteger open = new AtomicInteger();
  final AtomicLong refusedConnections = new AtomicLong();
  final AtomicLong requestTimeouts = new AtomicLong();
  final AtomicLong malformedRequests = new AtomicLong();
  final AtomicLong throttledLogins = new AtomicLong();
  final AtomicLong failedLogins = new AtomicLong();
  final AtomicLong backedUpClients = new AtomicLong();
  final AtomicLong unexpectedErrors = new AtomicLong();

  /** The exposition, with the event streams open now. */
  String exposition(int eventStreams) {
    StringBuilder b = new StringBuilder(1024);
    gauge(b, "maglev_frontend_connections_open", "Connections open now", open.get());
    gauge(b, "maglev_frontend_event_streams", "Event streams open now", eventStreams);
    counter(
        b,
        "maglev_frontend_connections_refused_total",
        "Connections closed at once for being over --max-connections",
        refusedConnections.get());
    counter(
        b,
        "maglev_frontend_request_timeouts_total",
        "Requests that did not arrive in full within --header-timeout (answered 408)",
        requestTimeouts.get());
    counter(
        b,
        "maglev_frontend_malformed_requests_total",
        "Requests refused as unreadable or over a size limit (400, 414, 431)",
        malformedRequests.get());
    counter(
        b,
        "maglev_frontend_admin_logins_failed_total",
        "Admin logins with wrong or missing credentials",
        failedLogins.get());
    counter(
        b,
        "maglev_frontend_admin_logins_throttled_total",
        "Admin requests answered 429 while their address waits after failed logins",
        throttledLogins.get());
    counter(
        b,
        "maglev_frontend_backed_up_connections_total",
        "Connections closed for sending requests while their answers were not read",
        backedUpClients.get());
    counter(
        b,
        "maglev_frontend_unexpected_errors_total",
        "Errors in request handling that are not a client going away (a bug)",
        unexpectedErrors.get());
    return b.toString();
  }

  private static void gauge(StringBuilder b, String name, String help, long value) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" gauge\n");
    b.append(name).append(' ').append(value).append('\n');
  }

  private static void counter(StringBuilder b, String name, String help, long value) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" counter\n");
    b.append(name).append(' ').append(value).append('\n');
  }
}
