package ch.ipng.maglev.frontend.upstream;

import ch.ipng.maglev.frontend.sse.SseBroker;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.WatchRequest;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One maglevd's WatchEvents stream at debug, its events published to the broker. A dropped stream
 * is re-subscribed after a backoff from {@link MaglevdClient#MIN_BACKOFF} doubling to {@link
 * MaglevdClient#MAX_BACKOFF}; {@link #watchNow} cuts the wait short when the channel comes back.
 */
final class EventWatch {
  private static final Logger logger = LoggerFactory.getLogger(EventWatch.class);

  private final String name;
  private final ManagedChannel channel;
  private final SseBroker broker;
  private final ScheduledExecutorService loops;
  private final ConnectionStatus status;
  private final Runnable refresh;
  private volatile boolean closed;
  private volatile Duration backoff = MaglevdClient.MIN_BACKOFF;
  // the next subscription while it waits out its backoff; guarded by this
  private @Nullable ScheduledFuture<?> pendingWatch;

  /** {@code refresh} asks for a new snapshot after events that change what it holds. */
  EventWatch(
      String name,
      ManagedChannel channel,
      SseBroker broker,
      ScheduledExecutorService loops,
      ConnectionStatus status,
      Runnable refresh) {
    this.name = name;
    this.channel = channel;
    this.broker = broker;
    this.loops = loops;
    this.status = status;
    this.refresh = refresh;
  }

  void start() {
    loops.execute(this::watch);
  }

  void close() {
    closed = true;
  }

  /** Subscribes at once if the stream is waiting out its backoff. */
  void watchNow() {
    synchronized (this) {
      if (pendingWatch == null) {
        return; // subscribed, or subscribing
      }
      pendingWatch.cancel(false);
      pendingWatch = null;
      backoff = MaglevdClient.MIN_BACKOFF;
    }
    watch();
  }

  /** The subscription after its backoff, unless {@link #watchNow} took its place. */
  private void watchAfterBackoff() {
    synchronized (this) {
      if (pendingWatch == null) {
        return;
      }
      pendingWatch = null;
    }
    watch();
  }

  private void watch() {
    if (closed) {
      return;
    }
    WatchRequest req =
        WatchRequest.newBuilder()
            .setLog(true)
            .setLogLevel("debug")
            .setBackend(true)
            .setFrontend(true)
            .setOverride(true)
            .setAudit(true)
            .build();
    MaglevGrpc.newStub(channel)
        .watchEvents(
            req,
            new StreamObserver<>() {
              @Override
              public void onNext(Event e) {
                backoff = MaglevdClient.MIN_BACKOFF;
                status.set(true, "");
                publish(e);
                // an override's set, clear or expiry: a weight's carries no transition
                if (e.hasBackend() || e.hasFrontend() || e.hasOverride() || isVppRecord(e)) {
                  refresh.run();
                }
              }

              @Override
              public void onError(Throwable t) {
                ended(MaglevdClient.describe(Status.fromThrowable(t)));
              }

              @Override
              public void onCompleted() {
                ended("maglevd ended the event stream");
              }
            });
  }

  private synchronized void ended(String why) {
    if (closed) {
      return;
    }
    status.failed(why);
    Duration wait = backoff;
    Duration max = MaglevdClient.MAX_BACKOFF;
    backoff = backoff.multipliedBy(2).compareTo(max) > 0 ? max : backoff.multipliedBy(2);
    logger
        .atDebug()
        .setMessage("maglevd-watch-ended")
        .addKeyValue("maglevd", name)
        .addKeyValue("error", why)
        .addKeyValue("retry_ms", wait.toMillis())
        .log();
    try {
      pendingWatch =
          loops.schedule(
              MaglevdClient.surviving(name, this::watchAfterBackoff),
              wait.toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  /** One maglevd event as the browser gets it: the proto's JSON plus the maglevd's name. */
  private void publish(Event e) {
    String kind =
        switch (e.getEventCase()) {
          case BACKEND -> "backend-transition";
          case FRONTEND -> "frontend-transition";
          case LOG -> "log";
          case OVERRIDE -> "override";
          case AUDIT -> "audit";
          case EVENT_NOT_SET -> null;
        };
    if (kind == null) {
      return;
    }
    JsonObject o = new JsonObject();
    o.addProperty("maglevd", name);
    try {
      JsonObject body = JsonParser.parseString(ProtoJson.PRINTER.print(e)).getAsJsonObject();
      body.entrySet().forEach(en -> o.add(en.getKey(), en.getValue()));
    } catch (InvalidProtocolBufferException ex) {
      return; // a message JsonFormat cannot print has no place on the page
    }
    broker.publish(kind, o.toString());
  }

  /** VPP (dis)connects and lb writes change what GetVPPInfo and GetVPPLBState say. */
  private static boolean isVppRecord(Event e) {
    if (!e.hasLog()) {
      return false;
    }
    String msg = e.getLog().getMsg();
    return msg.equals("vpp-connect")
        || msg.equals("vpp-disconnect")
        || msg.equals("vpp-lb-sync-done")
        || msg.equals("vpp-warm-up-done");
  }
}
