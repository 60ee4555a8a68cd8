package ch.ipng.maglev.daemon.grpc;

import ch.ipng.maglev.common.Levels;
import ch.ipng.maglev.common.logging.RepeatLimit;
import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.daemon.checker.BackendStatus;
import ch.ipng.maglev.daemon.checker.Checker;
import ch.ipng.maglev.daemon.checker.CheckerException;
import ch.ipng.maglev.daemon.dataplane.DataplaneException;
import ch.ipng.maglev.daemon.dataplane.SyncResult;
import ch.ipng.maglev.daemon.dataplane.VppDataplane;
import ch.ipng.maglev.daemon.dataplane.VppInfo;
import ch.ipng.maglev.daemon.dataplane.WarmUpView;
import ch.ipng.maglev.daemon.events.EventBus;
import ch.ipng.maglev.daemon.events.MaglevEvent;
import ch.ipng.maglev.daemon.fleet.FlowLookup;
import ch.ipng.maglev.daemon.health.FrontendState;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.model.ModelSource;
import ch.ipng.maglev.daemon.override.OverrideBook;
import ch.ipng.maglev.daemon.override.Overrides;
import ch.ipng.maglev.proto.BackendInfo;
import ch.ipng.maglev.proto.BackendRequest;
import ch.ipng.maglev.proto.CheckConfigRequest;
import ch.ipng.maglev.proto.CheckConfigResponse;
import ch.ipng.maglev.proto.Event;
import ch.ipng.maglev.proto.FrontendInfo;
import ch.ipng.maglev.proto.GetBackendRequest;
import ch.ipng.maglev.proto.GetFrontendRequest;
import ch.ipng.maglev.proto.GetHealthCheckRequest;
import ch.ipng.maglev.proto.GetVPPInfoRequest;
import ch.ipng.maglev.proto.GetVPPLBCountersRequest;
import ch.ipng.maglev.proto.GetVPPLBStateRequest;
import ch.ipng.maglev.proto.HealthCheckInfo;
import ch.ipng.maglev.proto.ListBackendsRequest;
import ch.ipng.maglev.proto.ListBackendsResponse;
import ch.ipng.maglev.proto.ListFrontendsRequest;
import ch.ipng.maglev.proto.ListFrontendsResponse;
import ch.ipng.maglev.proto.ListHealthChecksRequest;
import ch.ipng.maglev.proto.ListHealthChecksResponse;
import ch.ipng.maglev.proto.LookupVPPLBFlowRequest;
import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.PreviewWeightRequest;
import ch.ipng.maglev.proto.PreviewWeightResponse;
import ch.ipng.maglev.proto.ReloadConfigRequest;
import ch.ipng.maglev.proto.ReloadConfigResponse;
import ch.ipng.maglev.proto.SetWeightRequest;
import ch.ipng.maglev.proto.SyncVPPLBStateRequest;
import ch.ipng.maglev.proto.SyncVPPLBStateResponse;
import ch.ipng.maglev.proto.VPPInfo;
import ch.ipng.maglev.proto.VPPLBCounters;
import ch.ipng.maglev.proto.VPPLBFlow;
import ch.ipng.maglev.proto.VPPLBState;
import ch.ipng.maglev.proto.VPPWarmUp;
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
 * The Maglev gRPC service: reads come from the live model (and the checker's per-backend history),
 * changes go to the checker, VPP calls to the dataplane, events from the bus.
 */
public final class MaglevService extends MaglevGrpc.MaglevImplBase {
  private static final Logger logger = LoggerFactory.getLogger(MaglevService.class);
  static final String VPP_UNAVAILABLE = "VPP integration is not connected";
  static final String VPP_NOT_CONNECTED = "VPP is not connected (maglevd keeps retrying)";

  private final Checker checker;
  private final Overrides overrides;
  private final ModelSource models;
  private final EventBus bus;
  private final ConfigCommands config;
  private final @Nullable VppDataplane vpp;
  private final int subscriberCapacity;
  private final WatchLimits watchLimits;
  private final GrpcObserver observer;
  private volatile boolean shuttingDown;

  /**
   * The bounds of WatchEvents.
   *
   * @param maxStreams streams open at once, from all clients
   * @param maxStreamsPerAddress streams open at once from one client IP address
   * @param queue events queued for one stream (allocated as they come) before it is dropped
   */
  public record WatchSettings(int maxStreams, int maxStreamsPerAddress, int queue) {
    public static final WatchSettings DEFAULT =
        new WatchSettings(256, 16, EventBus.DEFAULT_CAPACITY);

    public WatchSettings {
      check("--watch-streams-max", maxStreams);
      check("--watch-streams-per-address", maxStreamsPerAddress);
      check("--watch-queue", queue);
    }

    private static void check(String flag, int value) {
      if (value < 1) {
        throw new IllegalArgumentException(flag + ": " + value + " (expected: >= 1)");
      }
    }
  }

  private MaglevService(
      Checker checker,
      @Nullable Overrides overrides,
      ModelSource models,
      EventBus bus,
      ConfigCommands config,
      @Nullable VppDataplane vpp,
      WatchSettings watch,
      GrpcObserver observer) {
    this.checker = checker;
    // without a state file (tests): overrides kept in memory only
    this.overrides =
        overrides != null
            ? overrides
            : Overrides.of(
                checker,
                models,
                bus,
                java.time.Clock.systemUTC(),
                (list, now) -> {},
                "(none)",
                f -> {});
    this.models = models;
    this.bus = bus;
    this.config = config;
    this.vpp = vpp;
    this.subscriberCapacity = watch.queue();
    this.watchLimits = new WatchLimits(watch.maxStreams(), watch.maxStreamsPerAddress());
    this.observer = observer;
  }

  /**
   * @param vpp the dataplane, or null when VPP integration is disabled
   */
  public static MaglevService of(
      Checker checker,
      ModelSource models,
      EventBus bus,
      ConfigCommands config,
      @Nullable VppDataplane vpp) {
    return of(checker, models, bus, config, vpp, WatchSettings.DEFAULT, GrpcObserver.NONE);
  }

  /**
   * @param vpp the dataplane, or null when VPP integration is disabled
   */
  public static MaglevService of(
      Checker checker,
      ModelSource models,
      EventBus bus,
      ConfigCommands config,
      @Nullable VppDataplane vpp,
      WatchSettings watch,
      GrpcObserver observer) {
    return new MaglevService(checker, null, models, bus, config, vpp, watch, observer);
  }

  /**
   * @param overrides the operator's overrides (with their state file)
   * @param vpp the dataplane, or null when VPP integration is disabled
   */
  public static MaglevService of(
      Checker checker,
      Overrides overrides,
      ModelSource models,
      EventBus bus,
      ConfigCommands config,
      @Nullable VppDataplane vpp,
      WatchSettings watch,
      GrpcObserver observer) {
    return new MaglevService(checker, overrides, models, bus, config, vpp, watch, observer);
  }

  /** For tests of slow subscribers: a small queue. */
  static MaglevService of(
      Checker checker,
      ModelSource models,
      EventBus bus,
      ConfigCommands config,
      int subscriberCapacity) {
    return new MaglevService(
        checker,
        null,
        models,
        bus,
        config,
        null,
        new WatchSettings(
            WatchSettings.DEFAULT.maxStreams(),
            WatchSettings.DEFAULT.maxStreamsPerAddress(),
            subscriberCapacity),
        GrpcObserver.NONE);
  }

  /** Ends every WatchEvents stream: maglevd is stopping. */
  public void shutdown() {
    shuttingDown = true;
  }

  @Override
  public void listFrontends(ListFrontendsRequest req, StreamObserver<ListFrontendsResponse> out) {
    ListFrontendsResponse.Builder b = ListFrontendsResponse.newBuilder();
    LiveModel m = models.current();
    OverrideBook book = overrides.book();
    m.frontends()
        .forEach(
            f ->
                b.addFrontends(
                    OverrideProtos.withOverrides(Protos.frontend(f, m.slowStart()), book)));
    m.suspect().ifPresent(s -> b.setCheckerSuspicion(Protos.suspicion(s)));
    reply(out, b.build());
  }

  @Override
  public void getCheckerSuspicion(
      ch.ipng.maglev.proto.GetCheckerSuspicionRequest req,
      StreamObserver<ch.ipng.maglev.proto.CheckerSuspicion> out) {
    reply(out, Protos.suspicion(models.current().suspect().orElse(null)));
  }

  @Override
  public void releaseCheckerSuspicion(
      ch.ipng.maglev.proto.ReleaseCheckerSuspicionRequest req,
      StreamObserver<ch.ipng.maglev.proto.CheckerSuspicion> out) {
    LiveModel.Suspect before = models.current().suspect().orElse(null);
    if (checker.releaseSuspicion().isEmpty()) {
      before = null; // lifted meanwhile by itself
    }
    reply(out, Protos.suspicion(before));
  }

  @Override
  public void releaseDrainHold(
      ch.ipng.maglev.proto.ReleaseDrainHoldRequest req,
      StreamObserver<ch.ipng.maglev.proto.ReleaseDrainHoldResponse> out) {
    if (req.getAll() == !req.getFrontend().isEmpty()) {
      out.onError(
          Status.INVALID_ARGUMENT
              .withDescription(
                  "frontend: \""
                      + req.getFrontend()
                      + "\", all: "
                      + req.getAll()
                      + " (expected: a frontend name, or all with no name)")
              .asRuntimeException());
      return;
    }
    try {
      var b = ch.ipng.maglev.proto.ReleaseDrainHoldResponse.newBuilder();
      checker
          .releaseHolds(req.getAll() ? null : req.getFrontend())
          .forEach(
              (f, backends) ->
                  b.addReleased(
                      ch.ipng.maglev.proto.ReleasedHolds.newBuilder()
                          .setFrontend(f)
                          .addAllBackends(new java.util.TreeSet<>(backends))));
      reply(out, b.build());
    } catch (CheckerException e) {
      out.onError(status(e));
    }
  }

  @Override
  public void getFrontend(GetFrontendRequest req, StreamObserver<FrontendInfo> out) {
    LiveModel m = models.current();
    var f = m.frontend(req.getName());
    if (f.isEmpty()) {
      out.onError(notFound("frontend", req.getName()));
      return;
    }
    reply(
        out,
        OverrideProtos.withOverrides(Protos.frontend(f.get(), m.slowStart()), overrides.book()));
  }

  @Override
  public void listBackends(ListBackendsRequest req, StreamObserver<ListBackendsResponse> out) {
    LiveModel m = models.current();
    Config c = m.config();
    ListBackendsResponse.Builder b = ListBackendsResponse.newBuilder();
    OverrideBook book = overrides.book();
    checker
        .backends()
        .forEach(
            s ->
                b.addBackends(
                    OverrideProtos.withOverrides(Protos.backend(s, c, m.slowStart()), book)));
    reply(out, b.build());
  }

  @Override
  public void getBackend(GetBackendRequest req, StreamObserver<BackendInfo> out) {
    var s = checker.backend(req.getName());
    if (s.isEmpty()) {
      out.onError(notFound("backend", req.getName()));
      return;
    }
    LiveModel m = models.current();
    reply(
        out,
        OverrideProtos.withOverrides(
            Protos.backend(s.get(), m.config(), m.slowStart()), overrides.book()));
  }

  @Override
  public void pauseBackend(BackendRequest req, StreamObserver<BackendInfo> out) {
    lifecycle(req, out, overrides::pause);
  }

  @Override
  public void resumeBackend(BackendRequest req, StreamObserver<BackendInfo> out) {
    lifecycle(req, out, overrides::resume);
  }

  @Override
  public void enableBackend(BackendRequest req, StreamObserver<BackendInfo> out) {
    lifecycle(req, out, overrides::enable);
  }

  @Override
  public void disableBackend(BackendRequest req, StreamObserver<BackendInfo> out) {
    lifecycle(req, out, overrides::disable);
  }

  private interface Action {
    BackendStatus apply(String name, Overrides.Request request)
        throws CheckerException, Overrides.NotPersistedException;
  }

  /** Who asks (the call's actor), why and for how long. */
  private static Overrides.Request request(String reason, long ttlNs) throws CheckerException {
    if (ttlNs < 0) {
      throw new CheckerException(
          CheckerException.Reason.INVALID_ARGUMENT,
          "ttl_ns: " + ttlNs + " (expected: 0 for none, or a positive duration)");
    }
    return new Overrides.Request(
        Actors.current().name(), reason, ttlNs == 0 ? null : OverrideProtos.ttl(ttlNs));
  }

  private void lifecycle(BackendRequest req, StreamObserver<BackendInfo> out, Action action) {
    if (req.getName().isEmpty()) {
      out.onError(
          Status.INVALID_ARGUMENT
              .withDescription("name: empty (expected: a backend name)")
              .asRuntimeException());
      return;
    }
    try {
      BackendStatus s = action.apply(req.getName(), request(req.getReason(), req.getTtlNs()));
      reply(
          out,
          OverrideProtos.withOverrides(
              Protos.backend(s, models.current().config()), overrides.book()));
    } catch (CheckerException e) {
      out.onError(status(e));
    } catch (Overrides.NotPersistedException e) {
      out.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void listHealthChecks(
      ListHealthChecksRequest req, StreamObserver<ListHealthChecksResponse> out) {
    Config c = models.current().config();
    ListHealthChecksResponse.Builder b = ListHealthChecksResponse.newBuilder();
    c.healthchecks().values().forEach(hc -> b.addHealthchecks(Protos.healthcheck(hc, c)));
    reply(out, b.build());
  }

  @Override
  public void getHealthCheck(GetHealthCheckRequest req, StreamObserver<HealthCheckInfo> out) {
    Config c = models.current().config();
    HealthCheck hc = c.healthchecks().get(req.getName());
    if (hc == null) {
      out.onError(notFound("health check", req.getName()));
      return;
    }
    reply(out, Protos.healthcheck(hc, c));
  }

  @Override
  public void setFrontendPoolBackendWeight(SetWeightRequest req, StreamObserver<FrontendInfo> out) {
    try {
      // uint32 on the wire: read it unsigned, so 2147483648 and up are refused as what they are
      long weight = Integer.toUnsignedLong(req.getWeight());
      if (weight > 100) {
        out.onError(
            Status.INVALID_ARGUMENT
                .withDescription("weight: " + weight + " (expected: 0-100)")
                .asRuntimeException());
        return;
      }
      overrides.setWeight(
          req.getFrontend(),
          req.getPool(),
          req.getBackend(),
          (int) weight,
          request(req.getReason(), req.getTtlNs()));
      if (vpp != null && vpp.info().isPresent()) {
        // the VIP is synced at once; while VPP is away the next sync after reconnect applies it
        vpp.syncFrontendNow(req.getFrontend(), req.getFlush() ? req.getBackend() : null);
      }
      reply(
          out,
          OverrideProtos.withOverrides(
              Protos.frontend(models.current().frontend(req.getFrontend()).orElseThrow()),
              overrides.book()));
    } catch (CheckerException e) {
      out.onError(status(e));
    } catch (Overrides.NotPersistedException e) {
      out.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
    } catch (DataplaneException e) {
      out.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void previewFrontendPoolBackendWeight(
      PreviewWeightRequest req, StreamObserver<PreviewWeightResponse> out) {
    PreviewCall.run(models, vpp, req, out);
  }

  @Override
  public void checkConfig(CheckConfigRequest req, StreamObserver<CheckConfigResponse> out) {
    ConfigCommands.Outcome o = config.check();
    reply(
        out,
        CheckConfigResponse.newBuilder()
            .setOk(o.ok())
            .setParseError(o.parseError())
            .setSemanticError(o.semanticError())
            .build());
  }

  @Override
  public void reloadConfig(ReloadConfigRequest req, StreamObserver<ReloadConfigResponse> out) {
    ConfigCommands.Outcome o = config.reload();
    reply(
        out,
        ReloadConfigResponse.newBuilder()
            .setOk(o.ok())
            .setParseError(o.parseError())
            .setSemanticError(o.semanticError())
            .build());
  }

  private @Nullable StatusRuntimeException vppUnavailable() {
    if (vpp == null) {
      return Status.UNAVAILABLE.withDescription(VPP_UNAVAILABLE).asRuntimeException();
    }
    if (vpp.info().isEmpty()) {
      return Status.UNAVAILABLE.withDescription(VPP_NOT_CONNECTED).asRuntimeException();
    }
    return null;
  }

  @Override
  public void getVPPInfo(GetVPPInfoRequest req, StreamObserver<VPPInfo> out) {
    StatusRuntimeException unavailable = vppUnavailable();
    if (unavailable != null || vpp == null) {
      out.onError(unavailable);
      return;
    }
    VppInfo i = vpp.info().orElseThrow();
    reply(
        out,
        VPPInfo.newBuilder()
            .setVersion(i.version())
            .setBuildDate(i.buildDate())
            .setBuildDirectory(i.buildDirectory())
            .setPid(i.pid())
            .setBoottimeNs(i.bootTimeSeconds() * 1_000_000_000L)
            .setConnecttimeNs(Protos.nanos(i.connectedAt()))
            .setWarmUp(warmUp(vpp.warmUp()))
            .build());
  }

  private static VPPWarmUp warmUp(WarmUpView w) {
    return VPPWarmUp.newBuilder()
        .setActive(w.active())
        .setHandsOffUntilNs(Protos.nanos(w.handsOffUntil()))
        .setEndsNs(Protos.nanos(w.ends()))
        .addAllHeldFrontends(w.heldFrontends())
        .build();
  }

  @Override
  public void getVPPLBState(GetVPPLBStateRequest req, StreamObserver<VPPLBState> out) {
    StatusRuntimeException unavailable = vppUnavailable();
    if (unavailable != null || vpp == null) {
      out.onError(unavailable);
      return;
    }
    try {
      reply(out, FleetCalls.lbState(vpp.state(), models.current()));
    } catch (DataplaneException e) {
      out.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void lookupVPPLBFlow(LookupVPPLBFlowRequest req, StreamObserver<VPPLBFlow> out) {
    FlowLookup.Tuple tuple;
    try {
      tuple = FleetCalls.tuple(req); // bad input is refused whether VPP is there or not
    } catch (StatusRuntimeException e) {
      out.onError(e);
      return;
    }
    StatusRuntimeException unavailable = vppUnavailable();
    if (unavailable != null || vpp == null) {
      out.onError(unavailable);
      return;
    }
    try {
      reply(out, FleetCalls.lookup(vpp.state(), tuple));
    } catch (StatusRuntimeException e) {
      out.onError(e);
    } catch (DataplaneException e) {
      out.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void syncVPPLBState(
      SyncVPPLBStateRequest req, StreamObserver<SyncVPPLBStateResponse> out) {
    if (!req.getFrontend().isEmpty() && models.current().frontend(req.getFrontend()).isEmpty()) {
      out.onError(notFound("frontend", req.getFrontend()));
      return;
    }
    StatusRuntimeException unavailable = vppUnavailable();
    if (unavailable != null || vpp == null) {
      out.onError(unavailable);
      return;
    }
    try {
      SyncResult r = vpp.syncNow(req.getFrontend().isEmpty() ? null : req.getFrontend());
      reply(
          out,
          SyncVPPLBStateResponse.newBuilder()
              .setVipAdded(r.vipAdded())
              .setVipRemoved(r.vipRemoved())
              .setAsAdded(r.asAdded())
              .setAsRemoved(r.asRemoved())
              .setAsWeightUpdated(r.asWeightUpdated())
              .build());
    } catch (IllegalArgumentException e) {
      out.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
    } catch (DataplaneException e) {
      out.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  @Override
  public void getVPPLBCounters(GetVPPLBCountersRequest req, StreamObserver<VPPLBCounters> out) {
    StatusRuntimeException unavailable = vppUnavailable();
    if (unavailable != null || vpp == null) {
      out.onError(unavailable);
      return;
    }
    var counters = vpp.counters();
    if (counters.isEmpty()) {
      out.onError(
          Status.UNAVAILABLE
              .withDescription("no counters scraped from VPP yet")
              .asRuntimeException());
      return;
    }
    reply(out, Protos.lbCounters(counters.get()));
  }

  @Override
  public void watchEvents(WatchRequest req, StreamObserver<Event> responseObserver) {
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

  private static <T> void reply(StreamObserver<T> out, T value) {
    out.onNext(value);
    out.onCompleted();
  }

  private static StatusRuntimeException notFound(String kind, String name) {
    return Status.NOT_FOUND
        .withDescription(kind + " \"" + Echo.of(name) + "\" not found")
        .asRuntimeException();
  }

  private static StatusRuntimeException status(CheckerException e) {
    Status s =
        switch (e.reason()) {
          case NOT_FOUND -> Status.NOT_FOUND;
          case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
          case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
        };
    return s.withDescription(Echo.description(String.valueOf(e.getMessage()))).asRuntimeException();
  }
}
