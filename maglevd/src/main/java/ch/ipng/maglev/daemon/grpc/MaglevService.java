package ch.ipng.maglev.daemon.grpc;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.HealthCheck;
import ch.ipng.maglev.daemon.checker.Checker;
import ch.ipng.maglev.daemon.checker.CheckerException;
import ch.ipng.maglev.daemon.dataplane.VppDataplane;
import ch.ipng.maglev.daemon.events.EventBus;
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
import ch.ipng.maglev.proto.WatchRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
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
  private final ConfigCommands config;
  private final @Nullable VppDataplane vpp;
  private final VppCalls vppCalls;
  private final OverrideCalls overrideCalls;
  private final WatchCall watch;

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
    this.config = config;
    this.vpp = vpp;
    this.vppCalls = new VppCalls(vpp, models);
    this.overrideCalls = new OverrideCalls(this.overrides, models, vpp);
    this.watch = new WatchCall(models, bus, watch, observer);
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
    watch.shutdown();
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
    overrideCalls.lifecycle(req, out, overrides::pause);
  }

  @Override
  public void resumeBackend(BackendRequest req, StreamObserver<BackendInfo> out) {
    overrideCalls.lifecycle(req, out, overrides::resume);
  }

  @Override
  public void enableBackend(BackendRequest req, StreamObserver<BackendInfo> out) {
    overrideCalls.lifecycle(req, out, overrides::enable);
  }

  @Override
  public void disableBackend(BackendRequest req, StreamObserver<BackendInfo> out) {
    overrideCalls.lifecycle(req, out, overrides::disable);
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
    overrideCalls.setFrontendPoolBackendWeight(req, out);
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

  @Override
  public void getVPPInfo(GetVPPInfoRequest req, StreamObserver<VPPInfo> out) {
    vppCalls.getVPPInfo(req, out);
  }

  @Override
  public void getVPPLBState(GetVPPLBStateRequest req, StreamObserver<VPPLBState> out) {
    vppCalls.getVPPLBState(req, out);
  }

  @Override
  public void lookupVPPLBFlow(LookupVPPLBFlowRequest req, StreamObserver<VPPLBFlow> out) {
    vppCalls.lookupVPPLBFlow(req, out);
  }

  @Override
  public void syncVPPLBState(
      SyncVPPLBStateRequest req, StreamObserver<SyncVPPLBStateResponse> out) {
    vppCalls.syncVPPLBState(req, out);
  }

  @Override
  public void getVPPLBCounters(GetVPPLBCountersRequest req, StreamObserver<VPPLBCounters> out) {
    vppCalls.getVPPLBCounters(req, out);
  }

  @Override
  public void watchEvents(WatchRequest req, StreamObserver<Event> responseObserver) {
    watch.watchEvents(req, responseObserver);
  }

  static <T> void reply(StreamObserver<T> out, T value) {
    out.onNext(value);
    out.onCompleted();
  }

  static StatusRuntimeException notFound(String kind, String name) {
    return Status.NOT_FOUND
        .withDescription(kind + " \"" + Echo.of(name) + "\" not found")
        .asRuntimeException();
  }

  static StatusRuntimeException status(CheckerException e) {
    Status s =
        switch (e.reason()) {
          case NOT_FOUND -> Status.NOT_FOUND;
          case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
          case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
        };
    return s.withDescription(Echo.description(String.valueOf(e.getMessage()))).asRuntimeException();
  }
}
