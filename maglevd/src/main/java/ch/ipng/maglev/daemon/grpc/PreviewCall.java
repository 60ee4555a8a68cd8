package ch.ipng.maglev.daemon.grpc;

import ch.ipng.maglev.daemon.checker.Checker;
import ch.ipng.maglev.daemon.checker.FrontendStatus;
import ch.ipng.maglev.daemon.config.Config;
import ch.ipng.maglev.daemon.config.Frontend;
import ch.ipng.maglev.daemon.dataplane.DesiredVip;
import ch.ipng.maglev.daemon.dataplane.VppDataplane;
import ch.ipng.maglev.daemon.dataplane.WeightPreview;
import ch.ipng.maglev.proto.PreviewWeightAS;
import ch.ipng.maglev.proto.PreviewWeightRequest;
import ch.ipng.maglev.proto.PreviewWeightResponse;
import ch.ipng.maglev.vpp.api.VppException;
import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import com.google.common.net.InetAddresses;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * PreviewFrontendPoolBackendWeight: the frontend's live status from the checker and the ASes VPP
 * holds for its VIP, read now, go into {@link WeightPreview}. Changes nothing.
 */
final class PreviewCall {
  private PreviewCall() {}

  static void run(
      Checker checker,
      @Nullable VppDataplane vpp,
      PreviewWeightRequest req,
      StreamObserver<PreviewWeightResponse> out) {
    try {
      out.onNext(preview(checker, vpp, req));
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  static PreviewWeightResponse preview(
      Checker checker, @Nullable VppDataplane vpp, PreviewWeightRequest req) {
    Config config = checker.config();
    Frontend f = config.frontends().get(req.getFrontend());
    if (f == null) {
      throw error(Status.NOT_FOUND, "frontend \"" + req.getFrontend() + "\" not found");
    }
    Frontend.Pool pool =
        f.pools().stream().filter(p -> p.name().equals(req.getPool())).findFirst().orElse(null);
    if (pool == null) {
      throw error(
          Status.NOT_FOUND,
          "pool \"" + req.getPool() + "\" not found in frontend \"" + req.getFrontend() + "\"");
    }
    if (!pool.backends().containsKey(req.getBackend())) {
      throw error(
          Status.NOT_FOUND,
          "backend \""
              + req.getBackend()
              + "\" not found in pool \""
              + req.getPool()
              + "\" of frontend \""
              + req.getFrontend()
              + "\"");
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
    VipKey key = DesiredVip.keyOf(f);
    List<LbClient.As> ases;
    try {
      ases = vpp.state().ases().get(key);
    } catch (VppException e) {
      throw error(Status.UNAVAILABLE, String.valueOf(e.getMessage()));
    }
    if (ases == null) {
      throw error(
          Status.FAILED_PRECONDITION,
          "VPP holds no VIP for frontend \""
              + f.name()
              + "\" ("
              + InetAddresses.toAddrString(key.prefix())
              + "/"
              + key.length()
              + "): nothing to preview");
    }
    FrontendStatus status = checker.frontend(f.name()).orElse(null);
    if (status == null || !status.frontend().equals(f)) {
      throw error(Status.UNAVAILABLE, "the config changed meanwhile: ask again");
    }
    List<WeightPreview.Held> held = new ArrayList<>();
    for (LbClient.As a : ases) {
      held.add(new WeightPreview.Held(a.address(), a.weight(), a.active()));
    }
    WeightPreview.Result r =
        WeightPreview.of(
            config, status, req.getPool(), req.getBackend(), (int) weight, tableLength(ases), held);
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

  /**
   * The VIP's table length as VPP reports it: the buckets of its active ASes add up to it while one
   * of them has a weight. Otherwise (or if the sum is not a power of two, which no lb plugin table
   * has) the length maglevd creates every VIP with.
   */
  static int tableLength(List<LbClient.As> ases) {
    long sum = 0;
    for (LbClient.As a : ases) {
      if (a.active()) {
        sum += a.buckets();
      }
    }
    if (sum > 0 && sum <= (1 << 30) && Long.bitCount(sum) == 1) {
      return (int) sum;
    }
    return DesiredVip.TABLE_LENGTH;
  }

  private static StatusRuntimeException error(Status status, String message) {
    return status.withDescription(message).asRuntimeException();
  }
}
