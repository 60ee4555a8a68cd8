package ch.ipng.maglev.daemon.grpc;

import ch.ipng.maglev.daemon.dataplane.DesiredVip;
import ch.ipng.maglev.daemon.dataplane.LbView;
import ch.ipng.maglev.daemon.fleet.ConfigDigest;
import ch.ipng.maglev.daemon.fleet.FlowLookup;
import ch.ipng.maglev.daemon.fleet.TableDigests;
import ch.ipng.maglev.daemon.model.LiveModel;
import ch.ipng.maglev.proto.LookupVPPLBFlowRequest;
import ch.ipng.maglev.proto.VPPLBFlow;
import ch.ipng.maglev.proto.VPPLBState;
import ch.ipng.maglev.proto.VPPLBVIP;
import com.google.common.net.InetAddresses;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Optional;

/** The fleet parts of the API: table and config digests in GetVPPLBState, and LookupVPPLBFlow. */
final class FleetCalls {
  private FleetCalls() {}

  /** GetVPPLBState's answer: VPP's state with each VIP's digests, and the config's. */
  static VPPLBState lbState(LbView view, LiveModel model) {
    VPPLBState.Builder b = Protos.lbState(view).toBuilder();
    List<TableDigests.Vip> digests = TableDigests.of(view.vips(), DesiredVip.all(model));
    // TableDigests lists VPP's VIPs first, in the view's (and so the answer's) order
    for (int i = 0; i < b.getVipsCount(); i++) {
      TableDigests.Vip d = digests.get(i);
      b.setVips(
          i, b.getVips(i).toBuilder().setTableDigest(d.vpp()).setDesiredTableDigest(d.desired()));
    }
    return b.setConfigDigest(ConfigDigest.of(model.config())).build();
  }

  /** Checks the request: the tuple, or INVALID_ARGUMENT naming the bad field. */
  static FlowLookup.Tuple tuple(LookupVPPLBFlowRequest r) {
    try {
      return FlowLookup.parse(
          r.getSrc(),
          Integer.toUnsignedLong(r.getSrcPort()),
          r.getDst(),
          Integer.toUnsignedLong(r.getDstPort()),
          r.getProtocol());
    } catch (IllegalArgumentException e) {
      throw Status.INVALID_ARGUMENT
          .withDescription(Echo.description(String.valueOf(e.getMessage())))
          .asRuntimeException();
    }
  }

  /** LookupVPPLBFlow's answer, or NOT_FOUND when no VIP in VPP takes the flow. */
  static VPPLBFlow lookup(LbView view, FlowLookup.Tuple t) {
    Optional<LbView.Vip> vip = FlowLookup.vipOf(view, t);
    if (vip.isEmpty()) {
      throw notFound(t);
    }
    FlowLookup.Result r = FlowLookup.lookup(vip.get(), t);
    VPPLBState one = Protos.lbState(new LbView(view.conf(), List.of(vip.get())));
    VPPLBVIP v = one.getVips(0).toBuilder().setTableDigest(TableDigests.ofVpp(vip.get())).build();
    return VPPLBFlow.newBuilder()
        .setVip(v)
        .setHash(r.hash())
        .setBucket(r.bucket())
        .setAsAddress(r.as().map(InetAddresses::toAddrString).orElse(""))
        .setBackend(r.backend())
        .setNote(FlowLookup.NOTE)
        .build();
  }

  private static StatusRuntimeException notFound(FlowLookup.Tuple t) {
    return Status.NOT_FOUND
        .withDescription(
            "no VIP in VPP takes %s %s port %d"
                .formatted(
                    t.protocol() == 17 ? "udp" : "tcp",
                    InetAddresses.toAddrString(t.dst()),
                    t.dstPort()))
        .asRuntimeException();
  }
}
