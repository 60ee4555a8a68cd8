package ch.ipng.maglev.daemon.grpc;

import ch.ipng.maglev.daemon.dataplane.DataplaneException;
import ch.ipng.maglev.daemon.dataplane.SyncResult;
import ch.ipng.maglev.daemon.dataplane.VppDataplane;
import ch.ipng.maglev.daemon.dataplane.VppInfo;
import ch.ipng.maglev.daemon.dataplane.WarmUpView;
import ch.ipng.maglev.daemon.fleet.FlowLookup;
import ch.ipng.maglev.daemon.model.ModelSource;
import ch.ipng.maglev.proto.GetVPPInfoRequest;
import ch.ipng.maglev.proto.GetVPPLBCountersRequest;
import ch.ipng.maglev.proto.GetVPPLBStateRequest;
import ch.ipng.maglev.proto.LookupVPPLBFlowRequest;
import ch.ipng.maglev.proto.SyncVPPLBStateRequest;
import ch.ipng.maglev.proto.SyncVPPLBStateResponse;
import ch.ipng.maglev.proto.VPPInfo;
import ch.ipng.maglev.proto.VPPLBCounters;
import ch.ipng.maglev.proto.VPPLBFlow;
import ch.ipng.maglev.proto.VPPLBState;
import ch.ipng.maglev.proto.VPPWarmUp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.jspecify.annotations.Nullable;

/**
 * The VPP calls of the API (GetVPPInfo, GetVPPLBState, LookupVPPLBFlow, SyncVPPLBState,
 * GetVPPLBCounters): each goes to the dataplane, or answers UNAVAILABLE while VPP integration is
 * off or VPP is away.
 */
final class VppCalls {
  private final @Nullable VppDataplane vpp;
  private final ModelSource models;

  VppCalls(@Nullable VppDataplane vpp, ModelSource models) {
    this.vpp = vpp;
    this.models = models;
  }

  private @Nullable StatusRuntimeException vppUnavailable() {
    if (vpp == null) {
      return Status.UNAVAILABLE.withDescription(MaglevService.VPP_UNAVAILABLE).asRuntimeException();
    }
    if (vpp.info().isEmpty()) {
      return Status.UNAVAILABLE
          .withDescription(MaglevService.VPP_NOT_CONNECTED)
          .asRuntimeException();
    }
    return null;
  }

  /** GetVPPInfo: the version, process and warm-up of the VPP connected. */
  void getVPPInfo(GetVPPInfoRequest req, StreamObserver<VPPInfo> out) {
    StatusRuntimeException unavailable = vppUnavailable();
    if (unavailable != null || vpp == null) {
      out.onError(unavailable);
      return;
    }
    VppInfo i = vpp.info().orElseThrow();
    MaglevService.reply(
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

  /** GetVPPLBState: VPP's lb state with the table and config digests. */
  void getVPPLBState(GetVPPLBStateRequest req, StreamObserver<VPPLBState> out) {
    StatusRuntimeException unavailable = vppUnavailable();
    if (unavailable != null || vpp == null) {
      out.onError(unavailable);
      return;
    }
    try {
      MaglevService.reply(out, FleetCalls.lbState(vpp.state(), models.current()));
    } catch (DataplaneException e) {
      out.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  /** LookupVPPLBFlow: the VIP, bucket and backend VPP picks for a flow. */
  void lookupVPPLBFlow(LookupVPPLBFlowRequest req, StreamObserver<VPPLBFlow> out) {
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
      MaglevService.reply(out, FleetCalls.lookup(vpp.state(), tuple));
    } catch (StatusRuntimeException e) {
      out.onError(e);
    } catch (DataplaneException e) {
      out.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
    }
  }

  /** SyncVPPLBState: syncs one frontend (or all) to VPP now. */
  void syncVPPLBState(SyncVPPLBStateRequest req, StreamObserver<SyncVPPLBStateResponse> out) {
    if (!req.getFrontend().isEmpty() && models.current().frontend(req.getFrontend()).isEmpty()) {
      out.onError(MaglevService.notFound("frontend", req.getFrontend()));
      return;
    }
    StatusRuntimeException unavailable = vppUnavailable();
    if (unavailable != null || vpp == null) {
      out.onError(unavailable);
      return;
    }
    try {
      SyncResult r = vpp.syncNow(req.getFrontend().isEmpty() ? null : req.getFrontend());
      MaglevService.reply(
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

  /** GetVPPLBCounters: the lb counters last scraped from VPP. */
  void getVPPLBCounters(GetVPPLBCountersRequest req, StreamObserver<VPPLBCounters> out) {
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
    MaglevService.reply(out, Protos.lbCounters(counters.get()));
  }
}
