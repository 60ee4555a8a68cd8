package ch.ipng.maglev.frontend.upstream;

import ch.ipng.maglev.frontend.sse.SseBroker;
import com.google.gson.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether one maglevd answers, and what the page has been told about it. A lost maglevd is
 * announced at once; a found one only after the snapshot has been refreshed ({@link
 * #announceIfBack}), so a page that refetches the state on the announcement never gets the snapshot
 * from before the outage as current.
 */
final class ConnectionStatus {
  private static final Logger logger = LoggerFactory.getLogger(ConnectionStatus.class);

  private final String name;
  private final String address;
  private final SseBroker broker;
  private final Runnable refresh;
  // answers its health check or streams events
  private volatile boolean reachable;
  // reachable, and the snapshot has been refreshed since: what the page is told
  private volatile boolean connected;
  private volatile String lastError = "";

  /** {@code refresh} asks for the snapshot a maglevd found again has to catch up on. */
  ConnectionStatus(String name, String address, SseBroker broker, Runnable refresh) {
    this.name = name;
    this.address = address;
    this.broker = broker;
    this.refresh = refresh;
  }

  boolean connected() {
    return connected;
  }

  /** Why the last call or stream failed, "" when none has. */
  String lastError() {
    return lastError;
  }

  /** Notes whether maglevd answers; {@code error} says why when it does not. */
  synchronized void set(boolean now, String error) {
    if (!now) {
      lastError = error;
    }
    if (reachable == now) {
      return;
    }
    reachable = now;
    if (now) {
      refresh.run(); // what was missed while away
    } else if (connected) {
      announce(false);
    }
  }

  /** Notes a failure that says nothing about reachability, e.g. an ended event stream. */
  synchronized void failed(String why) {
    lastError = why;
  }

  /** After a successful refresh: announces a maglevd that came back. */
  synchronized void announceIfBack() {
    if (reachable && !connected) {
      announce(true);
    }
  }

  private void announce(boolean now) {
    connected = now;
    logger
        .atInfo()
        .setMessage(now ? "maglevd-connect" : "maglevd-disconnect")
        .addKeyValue("maglevd", name)
        .addKeyValue("address", address)
        .addKeyValue("error", now ? "" : lastError)
        .log();
    JsonObject o = new JsonObject();
    o.addProperty("maglevd", name);
    o.addProperty("connected", now);
    o.addProperty("last_error", lastError);
    broker.publish("maglevd-status", o.toString());
  }
}
