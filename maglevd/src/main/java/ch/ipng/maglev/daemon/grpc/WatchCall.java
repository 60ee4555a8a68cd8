package ch.ipng.maglev.daemon.grpc;

import ch.ipng.maglev.common.Levels;
import ch.ipng.maglev.common.logging.RepeatLimit;
import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.events.MaglevEvent;
import ch.ipng.maglev.daemon.health.FrontendState;
import ch.ipng.maglev.daemon.model.ModelSource;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.WatchRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WatchEvents call: admits a stream within the watch limits, then sends it the bus's events on
 * a virtual thread of its own until the client leaves, falls behind, or maglevd stops.
 */
final class WatchCall {
  // the service's logger: its log lines keep their logger name
  private static final Logger logger = LoggerFactory.getLogger(MaglevService.class);

  private final ModelSource models;
  private final EventBus bus;
  private final int subscriberCapacity;
  private final WatchLimits watchLimits;
  private final GrpcObserver observer;
  private volatile boolean shuttingDown;

  WatchCall(
      ModelSource models, EventBus bus, MaglevService.WatchSettings watch, GrpcObserver observer) {
    this.models = models;
    this.bus = bus;
    this.subscriberCapacity = watch.queue();
    this.watchLimits = new WatchLimits(watch.maxStreams(), watch.maxStreamsPerAddress());
    this.observer = observer;
  }

  /** Ends every stream: maglevd is stopping. */
  void shutdown() {
    shuttingDown = true;
  }

  /** WatchEvents: streams the events asked for until the client leaves or maglevd stops. */
  void watchEvents(WatchRequest req, StreamObserver<Event> responseObserver) {
    int minSeverity;
    try {
      minSeverity = req.getLog() ? Levels.severity(req.getLogLevel()) : Integer.MAX_VALUE;
    } catch (IllegalArgumentException e) {
      responseObserver.onError(
          Status.INVALID_ARGUMENT
              .withDescription("log_level: " + e.getMessage())
              .asRuntimeException());
      return;
    }
    ServerCallStreamObserver<Event> out = (ServerCallStreamObserver<Event>) responseObserver;
    String client = CallGuard.CLIENT.get();
    var refusal = watchLimits.acquire(client);
    if (refusal.isPresent()) {
      observer.watchStreamRejected(refusal.get().reason().label);
      logger
          .atWarn()
          .addMarker(RepeatLimit.CLIENT_ERROR)
          .setMessage("watch-events-refused")
          .addKeyValue("client", client)
          .addKeyValue("reason", refusal.get().reason().label)
          .log();
      out.onError(
          Status.RESOURCE_EXHAUSTED.withDescription(refusal.get().message()).asRuntimeException());
      return;
    }
    // From here on the slot is ours until drain() ends: anything that fails before then
    // (subscribing, the snapshot, starting the thread) gives it back.
    EventBus.@Nullable Subscription sub = null;
    try {
      Predicate<MaglevEvent> filter =
          e ->
              switch (e) {
                case MaglevEvent.BackendTransition t -> req.getBackend();
                case MaglevEvent.FrontendTransition t -> req.getFrontend();
                case MaglevEvent.OverrideChanged o -> req.getOverride();
                case MaglevEvent.LogRecord r -> req.getLog() && r.severity() >= minSeverity;
                case MaglevEvent.AuditRecord a -> req.getAudit();
              };
      sub = bus.subscribe(filter, minSeverity, subscriberCapacity);
      EventBus.Subscription started = sub;
      if (req.getFrontend()) {
        Instant now = Instant.now();
        for (Map.Entry<String, FrontendState> f : models.current().frontendStates().entrySet()) {
          started.offer(
              new MaglevEvent.FrontendTransition(now, f.getKey(), f.getValue(), f.getValue()));
        }
      }
      Semaphore ready = new Semaphore(0);
      out.setOnReadyHandler(ready::release);
      out.setOnCancelHandler(
          () -> {
            started.close();
            ready.release();
          });
      Thread.ofVirtual().name("watch-events").start(() -> drain(started, out, ready, client));
    } catch (RuntimeException | Error e) {
      if (sub != null) {
        sub.close();
      }
      watchLimits.release(client);
      throw e;
    }
  }

  /** Sends queued events while the client keeps up; a full queue ends the stream. */
  private void drain(
      EventBus.Subscription sub,
      ServerCallStreamObserver<Event> out,
      Semaphore ready,
      String client) {
    try {
      while (!sub.closed() && !shuttingDown) {
        if (sub.overflowed()) {
          observer.watchStreamRejected(WatchLimits.Reason.TOO_SLOW.label);
          logger
              .atWarn()
              .addMarker(RepeatLimit.CLIENT_ERROR)
              .setMessage("watch-events-dropped")
              .addKeyValue("client", client)
              .addKeyValue("reason", WatchLimits.Reason.TOO_SLOW.label)
              .addKeyValue("queued", subscriberCapacity)
              .log();
          out.onError(
              Status.RESOURCE_EXHAUSTED
                  .withDescription("too slow: " + subscriberCapacity + " events not read")
                  .asRuntimeException());
          return;
        }
        if (!out.isReady()) {
          ready.tryAcquire(200, TimeUnit.MILLISECONDS);
          continue;
        }
        MaglevEvent e = sub.poll(200);
        if (e != null && !sub.closed()) {
          out.onNext(Protos.event(e));
        }
      }
      if (shuttingDown && !sub.closed()) {
        out.onCompleted();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (StatusRuntimeException | IllegalStateException e) {
      // the call was cancelled under us: nothing left to tell the client
    } finally {
      sub.close();
      watchLimits.release(client);
    }
  }
}
