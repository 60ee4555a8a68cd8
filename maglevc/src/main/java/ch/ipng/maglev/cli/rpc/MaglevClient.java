package ch.ipng.maglev.cli.rpc;

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
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.time.Duration;
import java.util.function.Supplier;

/** maglevd's Maglev service, one method per RPC, each call bounded by a deadline. */
public final class MaglevClient {
  private final Supplier<GrpcChannel> channel;
  private final Duration deadline;

  /** Calls go to whatever channel {@code channel} returns at the time of the call. */
  public MaglevClient(Supplier<GrpcChannel> channel, Duration deadline) {
    this.channel = channel;
    this.deadline = deadline;
  }

  private <T> T call(MaglevMethod method, MessageLite request, Parser<T> parser) {
    try {
      return channel.get().unary(method.path(), request, parser, deadline);
    } catch (RpcException e) {
      // A shell's connection outlives a maglevd restart. A call the server refused unprocessed
      // is sent again on a new connection; so is a read that failed without an answer. A
      // change (pause, weight, reload) that failed so is reported: it may have been applied.
      if (e.notProcessed || (e.staleConnection && sentAgainAfterStaleConnection(method))) {
        return channel.get().unary(method.path(), request, parser, deadline);
      }
      throw e;
    }
  }

  /**
   * Whether a call that failed on a dead connection without an answer is sent again: the reads,
   * which maglev.proto marks {@code idempotency_level = NO_SIDE_EFFECTS}.
   */
  static boolean sentAgainAfterStaleConnection(MaglevMethod method) {
    return method.noSideEffects();
  }

  public ListFrontendsResponse listFrontends(ListFrontendsRequest r) {
    return call(MaglevMethod.LIST_FRONTENDS, r, ListFrontendsResponse.parser());
  }

  public FrontendInfo getFrontend(GetFrontendRequest r) {
    return call(MaglevMethod.GET_FRONTEND, r, FrontendInfo.parser());
  }

  public ListBackendsResponse listBackends(ListBackendsRequest r) {
    return call(MaglevMethod.LIST_BACKENDS, r, ListBackendsResponse.parser());
  }

  public BackendInfo getBackend(GetBackendRequest r) {
    return call(MaglevMethod.GET_BACKEND, r, BackendInfo.parser());
  }

  public BackendInfo pauseBackend(BackendRequest r) {
    return call(MaglevMethod.PAUSE_BACKEND, r, BackendInfo.parser());
  }

  public BackendInfo resumeBackend(BackendRequest r) {
    return call(MaglevMethod.RESUME_BACKEND, r, BackendInfo.parser());
  }

  public BackendInfo enableBackend(BackendRequest r) {
    return call(MaglevMethod.ENABLE_BACKEND, r, BackendInfo.parser());
  }

  public BackendInfo disableBackend(BackendRequest r) {
    return call(MaglevMethod.DISABLE_BACKEND, r, BackendInfo.parser());
  }

  public ListHealthChecksResponse listHealthChecks(ListHealthChecksRequest r) {
    return call(MaglevMethod.LIST_HEALTH_CHECKS, r, ListHealthChecksResponse.parser());
  }

  public HealthCheckInfo getHealthCheck(GetHealthCheckRequest r) {
    return call(MaglevMethod.GET_HEALTH_CHECK, r, HealthCheckInfo.parser());
  }

  public FrontendInfo setFrontendPoolBackendWeight(SetWeightRequest r) {
    return call(MaglevMethod.SET_FRONTEND_POOL_BACKEND_WEIGHT, r, FrontendInfo.parser());
  }

  public PreviewWeightResponse previewFrontendPoolBackendWeight(PreviewWeightRequest r) {
    return call(
        MaglevMethod.PREVIEW_FRONTEND_POOL_BACKEND_WEIGHT, r, PreviewWeightResponse.parser());
  }

  public CheckConfigResponse checkConfig(CheckConfigRequest r) {
    return call(MaglevMethod.CHECK_CONFIG, r, CheckConfigResponse.parser());
  }

  public ReloadConfigResponse reloadConfig(ReloadConfigRequest r) {
    return call(MaglevMethod.RELOAD_CONFIG, r, ReloadConfigResponse.parser());
  }

  public ch.ipng.maglev.proto.CheckerSuspicion getCheckerSuspicion(
      ch.ipng.maglev.proto.GetCheckerSuspicionRequest r) {
    return call(
        MaglevMethod.GET_CHECKER_SUSPICION, r, ch.ipng.maglev.proto.CheckerSuspicion.parser());
  }

  public ch.ipng.maglev.proto.CheckerSuspicion releaseCheckerSuspicion(
      ch.ipng.maglev.proto.ReleaseCheckerSuspicionRequest r) {
    return call(
        MaglevMethod.RELEASE_CHECKER_SUSPICION, r, ch.ipng.maglev.proto.CheckerSuspicion.parser());
  }

  public ch.ipng.maglev.proto.ReleaseDrainHoldResponse releaseDrainHold(
      ch.ipng.maglev.proto.ReleaseDrainHoldRequest r) {
    return call(
        MaglevMethod.RELEASE_DRAIN_HOLD, r, ch.ipng.maglev.proto.ReleaseDrainHoldResponse.parser());
  }

  public VPPInfo getVPPInfo(GetVPPInfoRequest r) {
    return call(MaglevMethod.GET_VPP_INFO, r, VPPInfo.parser());
  }

  public VPPLBState getVPPLBState(GetVPPLBStateRequest r) {
    return call(MaglevMethod.GET_VPPLB_STATE, r, VPPLBState.parser());
  }

  public VPPLBFlow lookupVPPLBFlow(LookupVPPLBFlowRequest r) {
    return call(MaglevMethod.LOOKUP_VPPLB_FLOW, r, VPPLBFlow.parser());
  }

  public SyncVPPLBStateResponse syncVPPLBState(SyncVPPLBStateRequest r) {
    return call(MaglevMethod.SYNC_VPPLB_STATE, r, SyncVPPLBStateResponse.parser());
  }

  public VPPLBCounters getVPPLBCounters(GetVPPLBCountersRequest r) {
    return call(MaglevMethod.GET_VPPLB_COUNTERS, r, VPPLBCounters.parser());
  }

  /**
   * Starts WatchEvents on {@code dedicated}, a channel of its own: cancelling it closes it. The
   * server must answer within {@code firstAnswer}; a quiet stream after that is fine.
   */
  public static GrpcChannel.Call<Event> watchEvents(
      GrpcChannel dedicated, WatchRequest r, Duration firstAnswer) {
    return dedicated.stream(MaglevMethod.WATCH_EVENTS.path(), r, Event.parser(), firstAnswer);
  }
}
