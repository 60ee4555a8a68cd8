package ch.ipng.maglev.daemon.grpc;

import ch.ipng.maglev.config.Config;
import ch.ipng.maglev.config.Frontend;
import ch.ipng.maglev.daemon.dataplane.DataplaneException;
import ch.ipng.maglev.daemon.dataplane.LbView;
import ch.ipng.maglev.daemon.dataplane.VppDataplane;
import ch.ipng.maglev.daemon.dataplane.WeightPreview;
import ch.ipng.maglev.daemon.model.FrontendStatus;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.daemon.model.ModelException;
import ch.ipng.maglev.daemon.model.ModelSource;
import ch.ipng.maglev.daemon.model.WeightKey;
import ch.ipng.maglev.proto.PreviewWeightAS;
import ch.ipng.maglev.proto.PreviewWeightRequest;
import ch.ipng.maglev.proto.PreviewWeightResponse;
import com.google.common.net.InetAddresses;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * PreviewFrontendPoolBackendWeight: the frontend's live status from the live model and the ASes VPP
 * holds for its VIP, read now, go into {@link WeightPreview}. Changes nothing.
 */
final class PreviewCall {
  private PreviewCall() {}

  static void run(
      ModelSource models,
      @Nullable VppDataplane vpp,
      PreviewWeightRequest req,
      StreamObserver<PreviewWeightResponse> out) {
    try {
      out.onNext(preview(models, vpp, req));
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  static PreviewWeightResponse preview(
      ModelSource models, @Nullable VppDataplane vpp, PreviewWeightRequest req) {
    LiveModel model = models.current();
    Config config = model.config();
    Frontend f;
    try {
      f = model.frontendOf(new WeightKey(req.getFrontend(), req.getPool(), req.getBackend()));
    } catch (ModelException e) {
      throw error(Status.NOT_FOUND, String.valueOf(e.getMessage()));
    }
    // uint32 on the wire: read it unsigned so 4294967295 is refused, not taken as -1
    long weight = Integer.toUnsignedLong(req.getWeight());
    if (weight > 100) {
      throw error(Status.INVALID_ARGUMENT, "weight: " + weight + " (expected: 0-100)");
    }
    if (vpp == null) {
      throw error(Status.UNAVAILABLE, MaglevService.VPP_UNAVAILABLE);
    }
    if (vpp.info().isEmpty()) {
      throw error(Status.UNAVAILABLE, MaglevService.VPP_NOT_CONNECTED);
    }
    LbView.Vip vip;
    try {
      vip =
          vpp.state().vips().stream()
              .filter(v -> v.frontend().equals(f.name()))
              .findFirst()
              .orElse(null);
    } catch (DataplaneException e) {
      throw error(Status.UNAVAILABLE, String.valueOf(e.getMessage()));
    }
    if (vip == null) {
      throw error(
          Status.FAILED_PRECONDITION,
          "VPP holds no VIP for frontend \""
              + f.name()
              + "\" ("
              + InetAddresses.toAddrString(f.address())
              + "/"
              + (f.address().getAddress().length == 4 ? 32 : 128)
              + "): nothing to preview");
    }
    // the model read after VPP: the newest status, for the config the VIP was named from
    FrontendStatus status = models.current().frontend(f.name()).orElse(null);
    if (status == null || !status.frontend().equals(f)) {
      throw error(Status.UNAVAILABLE, "the config changed meanwhile: ask again");
    }
    List<WeightPreview.Held> held = new ArrayList<>();
    for (LbView.As a : vip.ases()) {
      held.add(new WeightPreview.Held(a.address(), a.weight(), a.active()));
    }
    WeightPreview.Result r =
        WeightPreview.of(
            config,
            status,
            req.getPool(),
            req.getBackend(),
            (int) weight,
            vip.flowTableLength(),
            held);
    PreviewWeightResponse.Builder b =
        PreviewWeightResponse.newBuilder()
            .setTableLength(r.tableLength())
            .setMoved(r.moved())
            .setReachesVpp(r.reachesVpp())
            .setReason(r.reason())
            .setPending(r.pending());
    for (WeightPreview.Row row : r.rows()) {
      b.addAses(
          PreviewWeightAS.newBuilder()
              .setAddress(InetAddresses.toAddrString(row.address()))
              .setBackend(row.backend())
              .setWeightBefore(row.weightBefore())
              .setWeightAfter(row.weightAfter())
              .setBucketsBefore(row.bucketsBefore())
              .setBucketsAfter(row.bucketsAfter()));
    }
    return b.build();
  }

  private static StatusRuntimeException error(Status status, String message) {
    return status.withDescription(message).asRuntimeException();
  }
}
